package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpResponseStart;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The mapping from {@code http.response.start} to a servlet response head: the status and every
 * header in order (repeated names kept). Applied when the first {@code http.response.body} is
 * written, never earlier, so that a failing application can still be answered with a 500.
 */
final class ResponseHead {
    private static final String CONTENT_TYPE = "content-type";
    private static final String CONTENT_LENGTH = "content-length";
    private static final String TRANSFER_ENCODING = "transfer-encoding";
    /** Names most responses carry, as constant strings, so that writing them makes no string. */
    private static final String[] COMMON_NAMES = {
        CONTENT_TYPE,
        CONTENT_LENGTH,
        TRANSFER_ENCODING,
        "cache-control",
        "set-cookie",
        "location",
        "content-encoding",
        "etag",
        "last-modified",
        "vary",
        "date",
        "expires",
        "connection"
    };

    private ResponseHead() {}

    /** The header's name as a string: one of {@link #COMMON_NAMES} when it is one. */
    static String name(Header header) {
        for (String common : COMMON_NAMES) {
            if (header.hasName(common)) {
                return common;
            }
        }
        return header.nameString();
    }

    /**
     * Sets status and headers.
     *
     * @param singleBodyLength the length of the whole body when it is this one final chunk, for a
     *     Content-Length instead of chunked coding; negative when unknown
     */
    static void apply(HttpResponseStart start, long singleBodyLength, HttpServletResponse response) {
        response.setStatus(start.status());
        boolean lengthGiven = false;
        Decoded decoded = decoded(start.headers());
        for (int i = 0; i < decoded.names.length; i++) {
            String name = decoded.names[i];
            if (name == CONTENT_TYPE) { // the constant of COMMON_NAMES, so identity is enough
                // what addHeader does for this name in Tomcat and Jetty alike (the last one wins),
                // without the generic header path: a lookup of the name and a parse of the value
                response.setContentType(decoded.values[i]);
            } else {
                response.addHeader(name, decoded.values[i]);
                lengthGiven |= name.equals(CONTENT_LENGTH) || name.equals(TRANSFER_ENCODING);
            }
        }
        if (!lengthGiven && singleBodyLength >= 0 && !start.trailers()) {
            response.setContentLengthLong(singleBodyLength);
        }
    }

    /** A header list as the strings the servlet API takes. */
    private record Decoded(List<Header> headers, String[] names, String[] values) {}

    /**
     * The last list decoded. An application usually answers every request with the same constant
     * list (an event keeps the very instance of an unmodifiable list, and its headers never
     * change), so the same list is decoded once, not once per response.
     */
    private static volatile Decoded lastDecoded = new Decoded(List.of(), new String[0], new String[0]);

    private static Decoded decoded(List<Header> headers) {
        Decoded last = lastDecoded;
        if (last.headers == headers) {
            return last;
        }
        String[] names = new String[headers.size()];
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) { // indexed: no iterator per response
            Header header = headers.get(i);
            names[i] = name(header);
            values[i] = header.valueString();
        }
        Decoded made = new Decoded(headers, names, values);
        lastDecoded = made;
        return made;
    }

    /**
     * Registers the supplier the container asks for the trailer fields when it writes the end of
     * the body (Servlet 6.0 {@code setTrailerFields}). Returns false when the container refuses,
     * i.e. the protocol cannot carry trailers (HTTP/1.0, or a body that is not chunked).
     */
    static boolean announceTrailers(HttpServletResponse response, Supplier<Map<String, String>> fields) {
        try {
            response.setTrailerFields(fields);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Trailer headers as the servlet API's map; repeated names are joined with ", ". */
    static void addTrailers(List<Header> headers, Map<String, String> into) {
        for (Header header : headers) {
            into.merge(header.nameString(), header.valueString(), (a, b) -> a + ", " + b);
        }
    }
}

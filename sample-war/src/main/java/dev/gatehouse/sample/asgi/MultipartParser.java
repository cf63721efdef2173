package dev.gatehouse.sample.asgi;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578, in the syntax of RFC 2046 §5.1.1) as it
 * arrives, chunk by chunk, and hands each part's headers and content to a {@link Listener}. Only
 * the current part's header block is buffered (at most {@value #MAX_HEADER_BYTES} bytes), never
 * content, so a 1 GiB file costs no more memory than a small one. No I/O: bytes in, calls out.
 *
 * <p>Finding the end of a part: content ends at the delimiter {@code CRLF "--" boundary}. A
 * boundary never contains CR (RFC 2046 {@code bchars}), so a CR can only begin a delimiter at its
 * first byte. The parser therefore needs only a count of delimiter bytes matched so far: on a
 * mismatch those bytes were content after all (they are the delimiter's own prefix, so they need
 * not be kept), and the mismatching byte can only begin a new match if it is a CR. A delimiter
 * split across chunks is found the same way. The body is read as if a CRLF came before it, so
 * that the first delimiter, which has none, matches like the others.
 */
final class MultipartParser {
    /** The largest header block of one part. */
    static final int MAX_HEADER_BYTES = 8192;
    /** The most parts in one body. */
    static final int MAX_PARTS = 100;

    /** A part's {@code Content-Disposition} parameters and {@code Content-Type}. */
    record PartHeaders(String name, String filename, String contentType) {}

    /** Receives the parts in order: started, content (any number of calls), ended. */
    interface Listener {
        void partStarted(PartHeaders headers);

        /** Bytes of the current part's content, valid only during the call. */
        void partContent(byte[] bytes, int offset, int length);

        void partEnded();
    }

    /** The body is not valid multipart: a message for a 400 answer. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    private enum State {
        PREAMBLE,
        AFTER_BOUNDARY,
        CLOSING_DASH,
        AFTER_BOUNDARY_CR,
        HEADERS,
        CONTENT,
        EPILOGUE
    }

    private final String boundary;
    private final byte[] delimiter;
    private final Listener listener;
    private final byte[] header = new byte[MAX_HEADER_BYTES];
    private int headerLength;
    private State state = State.PREAMBLE;
    private int matched = 2; // the CRLF assumed before the body
    private int parts;

    /** @throws MalformedException if {@code boundary} is not an RFC 2046 boundary */
    MultipartParser(String boundary, Listener listener) throws MalformedException {
        if (!isValidBoundary(boundary)) {
            throw new MalformedException("invalid multipart boundary \"" + boundary
                    + "\": RFC 2046 allows 1 to 70 letters, digits and '()+_,-./:=? (space inside)");
        }
        this.boundary = boundary;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.listener = listener;
    }

    /**
     * The {@code boundary} parameter of a {@code multipart/form-data} content type; null for any
     * other content type (or none).
     *
     * @throws MalformedException if it is {@code multipart/form-data} without a boundary
     */
    static String boundary(String contentType) throws MalformedException {
        if (contentType == null || !contentType.strip().toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        String boundary = parameter(contentType, "boundary");
        if (boundary == null) {
            throw new MalformedException("multipart/form-data without a boundary parameter");
        }
        return boundary;
    }

    /** Reads the next chunk of the body. */
    void feed(byte[] chunk) throws MalformedException {
        int i = 0;
        while (i < chunk.length) {
            switch (state) {
                case PREAMBLE, CONTENT -> i = scanContent(chunk, i);
                case EPILOGUE -> i = chunk.length; // ignored, as RFC 2046 says
                default -> {
                    step(chunk[i]);
                    i++;
                }
            }
        }
    }

    /** The body has ended. @throws MalformedException if the closing delimiter was not seen */
    void finish() throws MalformedException {
        if (state != State.EPILOGUE) {
            throw new MalformedException("the body ended before the closing boundary --" + boundary + "--");
        }
    }

    /**
     * Scans content (or preamble) from {@code from} for the delimiter; returns where it stopped: just
     * after the delimiter, or the chunk's end.
     */
    private int scanContent(byte[] chunk, int from) {
        int start = from; // the first byte of this chunk not yet handed on
        int held = matched; // delimiter bytes matched in earlier chunks, not yet handed on
        for (int i = from; i < chunk.length; i++) {
            byte b = chunk[i];
            if (b == delimiter[matched]) {
                matched++;
                if (matched == delimiter.length) {
                    int end = i + 1 - delimiter.length; // below start if the delimiter began earlier
                    if (end > start) {
                        content(chunk, start, end - start);
                    }
                    matched = 0;
                    if (state == State.CONTENT) {
                        listener.partEnded();
                    }
                    state = State.AFTER_BOUNDARY;
                    return i + 1;
                }
            } else if (matched > 0) {
                if (held > 0) {
                    content(delimiter, 0, held);
                    held = 0;
                }
                matched = b == delimiter[0] ? 1 : 0;
            }
        }
        int pendingHere = matched - held; // the possible delimiter start within this chunk
        int length = chunk.length - pendingHere - start;
        if (length > 0) {
            content(chunk, start, length);
        }
        return chunk.length;
    }

    private void content(byte[] bytes, int offset, int length) {
        if (state == State.CONTENT) {
            listener.partContent(bytes, offset, length);
        }
    }

    /** One byte of the line after a delimiter, or of a header block. */
    private void step(byte b) throws MalformedException {
        switch (state) {
            case AFTER_BOUNDARY -> {
                if (b == '-') {
                    state = State.CLOSING_DASH;
                } else if (b == '\r') {
                    state = State.AFTER_BOUNDARY_CR;
                } else if (b != ' ' && b != '\t') { // transport padding may follow a boundary
                    throw new MalformedException("expected CRLF or \"--\" after the boundary");
                }
            }
            case CLOSING_DASH -> {
                if (b != '-') {
                    throw new MalformedException("expected \"--\" after the closing boundary");
                }
                state = State.EPILOGUE;
            }
            case AFTER_BOUNDARY_CR -> {
                if (b != '\n') {
                    throw new MalformedException("expected CRLF after the boundary");
                }
                if (++parts > MAX_PARTS) {
                    throw new MalformedException("more than " + MAX_PARTS + " parts");
                }
                headerLength = 0;
                state = State.HEADERS;
            }
            case HEADERS -> headerByte(b);
            default -> throw new IllegalStateException("no single-byte step in state " + state);
        }
    }

    private void headerByte(byte b) throws MalformedException {
        if (headerLength == MAX_HEADER_BYTES) {
            throw new MalformedException("a part's header block is over " + MAX_HEADER_BYTES + " bytes");
        }
        header[headerLength++] = b;
        boolean empty = headerLength == 2 && header[0] == '\r' && header[1] == '\n';
        boolean complete = headerLength >= 4
                && header[headerLength - 4] == '\r'
                && header[headerLength - 3] == '\n'
                && header[headerLength - 2] == '\r'
                && header[headerLength - 1] == '\n';
        if (empty || complete) {
            listener.partStarted(parseHeaders(new String(header, 0, headerLength, StandardCharsets.UTF_8)));
            matched = 0;
            state = State.CONTENT;
        }
    }

    /** A part's headers (RFC 7578 §4.2 and §4.4): only Content-Disposition and Content-Type matter. */
    private static PartHeaders parseHeaders(String block) throws MalformedException {
        String disposition = null;
        String contentType = null;
        for (String line : block.split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedException("a part's header line has no name: " + line);
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (name.equals("content-disposition")) {
                disposition = value;
            } else if (name.equals("content-type")) {
                contentType = value;
            }
        }
        if (disposition == null) {
            throw new MalformedException("a part has no Content-Disposition (RFC 7578 §4.2)");
        }
        return new PartHeaders(parameter(disposition, "name"), parameter(disposition, "filename"), contentType);
    }

    /**
     * The parameter {@code name} of a header value such as {@code form-data; name="f"; filename="a
     * b.txt"}: a token or a quoted string with backslash escapes (RFC 9110 §5.6.6); null when
     * absent.
     */
    static String parameter(String headerValue, String name) {
        int i = headerValue.indexOf(';');
        while (i >= 0) {
            int eq = headerValue.indexOf('=', i);
            if (eq < 0) {
                return null;
            }
            String key = headerValue.substring(i + 1, eq).strip().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            int j = eq + 1;
            while (j < headerValue.length() && headerValue.charAt(j) == ' ') {
                j++;
            }
            boolean quoted = j < headerValue.length() && headerValue.charAt(j) == '"';
            if (quoted) {
                for (j++; j < headerValue.length() && headerValue.charAt(j) != '"'; j++) {
                    char c = headerValue.charAt(j);
                    if (c == '\\' && j + 1 < headerValue.length()) {
                        c = headerValue.charAt(++j);
                    }
                    value.append(c);
                }
            } else {
                for (; j < headerValue.length() && headerValue.charAt(j) != ';'; j++) {
                    value.append(headerValue.charAt(j));
                }
            }
            if (key.equals(name)) {
                return quoted ? value.toString() : value.toString().strip();
            }
            i = headerValue.indexOf(';', j);
        }
        return null;
    }

    private static boolean isValidBoundary(String boundary) {
        if (boundary.isEmpty() || boundary.length() > 70 || boundary.endsWith(" ")) {
            return false;
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && "'()+_,-./:=? ".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }
}

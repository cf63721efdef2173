package dev.gatehouse.cgi.meta;

import java.util.List;
import java.util.Objects;

/**
 * The parts of an HTTP request that RFC 3875 §4.1 turns into meta-variables, copied out of the
 * servlet request into plain values so that {@link MetaVariables} is a pure function that can be
 * tested without a container.
 *
 * @param method request method, e.g. {@code GET}
 * @param protocol protocol as the client sent it, e.g. {@code HTTP/1.1}
 * @param scheme {@code http} or {@code https}
 * @param secure whether the connection is TLS
 * @param requestUri the request-target path as sent (not decoded), without the query
 * @param queryString the query exactly as sent, without {@code ?}; empty when none
 * @param serverName host name the client addressed (Host header or server default)
 * @param serverPort port the client addressed
 * @param serverAddr local address of the connection
 * @param remoteAddr client address
 * @param remoteHost client host name, or its address when not looked up
 * @param remotePort client port
 * @param authType authentication scheme when the container authenticated the user, else null
 * @param remoteUser authenticated user name, else null
 * @param contentType Content-Type of the body, or null
 * @param contentLength body length in bytes, or -1 when there is no body or it is not known
 * @param headers request headers in arrival order, one entry per header name
 */
public record CgiRequest(
        String method,
        String protocol,
        String scheme,
        boolean secure,
        String requestUri,
        String queryString,
        String serverName,
        int serverPort,
        String serverAddr,
        String remoteAddr,
        String remoteHost,
        int remotePort,
        String authType,
        String remoteUser,
        String contentType,
        long contentLength,
        List<Header> headers) {

    /** One request header name with all its values, in the order received. */
    public record Header(String name, List<String> values) {
        public Header {
            Objects.requireNonNull(name, "name");
            values = List.copyOf(values);
        }
    }

    public CgiRequest {
        Objects.requireNonNull(method, "method");
        queryString = queryString == null ? "" : queryString;
        headers = List.copyOf(headers);
    }

    /** The same request with another body length, e.g. once a chunked body has been spooled. */
    public CgiRequest withContentLength(long length) {
        return new CgiRequest(
                method,
                protocol,
                scheme,
                secure,
                requestUri,
                queryString,
                serverName,
                serverPort,
                serverAddr,
                remoteAddr,
                remoteHost,
                remotePort,
                authType,
                remoteUser,
                contentType,
                length,
                headers);
    }

    /** The same request answered for another target: a local redirect's path and query. */
    public CgiRequest withTarget(String uri, String query) {
        return new CgiRequest(
                method,
                protocol,
                scheme,
                secure,
                uri,
                query,
                serverName,
                serverPort,
                serverAddr,
                remoteAddr,
                remoteHost,
                remotePort,
                authType,
                remoteUser,
                contentType,
                contentLength,
                headers);
    }

    /** Whether the request carries a body: a Content-Length above zero or chunked transfer coding. */
    public boolean hasBody() {
        return contentLength > 0 || isChunked();
    }

    /** Whether the body arrives with chunked transfer coding, so its length is unknown up front. */
    public boolean isChunked() {
        if (contentLength >= 0) {
            return false;
        }
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase("Transfer-Encoding")) {
                return header.values().stream().anyMatch(v -> v.toLowerCase().contains("chunked"));
            }
        }
        return false;
    }
}

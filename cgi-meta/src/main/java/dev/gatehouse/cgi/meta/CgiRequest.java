package dev.gatehouse.cgi.meta;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The parts of an HTTP request that RFC 3875 §4.1 turns into meta-variables, copied out of the
 * servlet request into plain values so that {@link MetaVariables} is a pure function that can be
 * tested without a container. Grouped as the RFC groups them: what was asked for ({@link Target}),
 * the server side of the connection ({@link Server}), the client side ({@link Client}), the body
 * ({@link Body}), and the header fields.
 *
 * @param method request method, e.g. {@code GET}
 * @param protocol protocol as the client sent it, e.g. {@code HTTP/1.1}
 * @param target the path and query as sent
 * @param server what the client addressed and where the connection arrived
 * @param client who sent the request
 * @param body the body's type and length
 * @param headers request headers in arrival order, one entry per header name
 */
public record CgiRequest(
        String method, String protocol, Target target, Server server, Client client, Body body, List<Header> headers) {

    /**
     * @param uri the request-target path as sent (not decoded), without the query
     * @param query the query exactly as sent, without {@code ?}; empty when none
     */
    public record Target(String uri, String query) {
        public Target {
            query = query == null ? "" : query;
        }
    }

    /**
     * @param scheme {@code http} or {@code https}
     * @param secure whether the connection is TLS
     * @param name host name the client addressed (Host header or server default)
     * @param port port the client addressed
     * @param addr local address of the connection
     */
    public record Server(String scheme, boolean secure, String name, int port, String addr) {}

    /**
     * @param addr client address
     * @param host client host name, or its address when not looked up; null when unknown
     * @param port client port
     * @param authType authentication scheme when the container authenticated the user, else null
     * @param user authenticated user name, else null
     */
    public record Client(String addr, String host, int port, String authType, String user) {}

    /**
     * @param type Content-Type of the body, or null
     * @param length body length in bytes, or -1 when there is no body or it is not known
     */
    public record Body(String type, long length) {}

    /** One request header name with all its values, in the order received. */
    public record Header(String name, List<String> values) {
        public Header {
            Objects.requireNonNull(name, "name");
            values = List.copyOf(values);
        }
    }

    public CgiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(body, "body");
        headers = List.copyOf(headers);
    }

    /** The same request with another body length, e.g. once a chunked body has been spooled. */
    public CgiRequest withContentLength(long length) {
        return new CgiRequest(method, protocol, target, server, client, new Body(body.type(), length), headers);
    }

    /** The same request answered for another target: a local redirect's path and query. */
    public CgiRequest withTarget(String uri, String query) {
        return new CgiRequest(method, protocol, new Target(uri, query), server, client, body, headers);
    }

    /** Whether the request carries a body: a Content-Length above zero or chunked transfer coding. */
    public boolean hasBody() {
        return body.length() > 0 || isChunked();
    }

    /** Whether the body arrives with chunked transfer coding, so its length is unknown up front. */
    public boolean isChunked() {
        if (body.length() >= 0) {
            return false;
        }
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase("Transfer-Encoding")) {
                return header.values().stream()
                        .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"));
            }
        }
        return false;
    }
}

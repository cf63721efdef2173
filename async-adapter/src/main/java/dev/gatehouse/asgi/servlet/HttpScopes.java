package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.Endpoint;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpScope;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.MappingMatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/**
 * The mapping from a servlet request to an ASGI {@code http} scope (ASGI HTTP spec 2.4, "HTTP
 * Connection Scope"), read top to bottom in the scope's key order. No I/O: only the request line,
 * headers and addresses the container has already parsed.
 */
final class HttpScopes {
    private static final byte[] EMPTY = new byte[0];

    private HttpScopes() {}

    static HttpScope from(HttpServletRequest request, Map<String, Object> state) {
        // the context's own path, decoded like the servlet path and path info that follow it:
        // the request's getContextPath() is the undecoded prefix as received, and Tomcat finds it
        // by decoding and comparing the URI on every call
        String contextPath = request.getServletContext().getContextPath();
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String query = request.getQueryString();
        return new HttpScope(
                httpVersion(request.getProtocol()),
                request.getMethod(),
                request.getScheme(),
                join(contextPath, servletPath, pathInfo),
                request.getRequestURI().getBytes(StandardCharsets.ISO_8859_1),
                query != null ? query.getBytes(StandardCharsets.ISO_8859_1) : EMPTY,
                rootPath(request, contextPath, servletPath, pathInfo),
                headers(request),
                Endpoint.of(request.getRemoteAddr(), request.getRemotePort()),
                server(request.getLocalAddr(), request.getLocalPort()),
                state.isEmpty() ? Map.of() : state);
    }

    /** The last server endpoint made: a connector's address is the same for all its requests. */
    private static volatile Endpoint lastServer = Endpoint.of("", 0);

    /** {@code Endpoint.of(host, port)}, the one made last time when it is equal (it is immutable). */
    static Endpoint server(String host, int port) {
        Endpoint last = lastServer;
        if (last.port().getAsInt() == port && last.host().equals(host)) {
            return last;
        }
        Endpoint made = Endpoint.of(host, port);
        lastServer = made;
        return made;
    }

    static String join(String contextPath, String servletPath, String pathInfo) {
        // String.concat: two strings, no builder; none at all in the root context
        String path = contextPath.isEmpty() ? servletPath : contextPath.concat(servletPath);
        return pathInfo == null ? path : path.concat(pathInfo);
    }

    /** {@code HTTP/1.1} → {@code 1.1}, {@code HTTP/2.0} → {@code 2} (ASGI {@code http_version}). */
    static String httpVersion(String protocol) {
        return switch (protocol) {
            case "HTTP/1.0" -> "1.0";
            case "HTTP/1.1" -> "1.1";
            case "HTTP/2", "HTTP/2.0" -> "2";
            default -> throw new IllegalArgumentException("unsupported protocol " + protocol);
        };
    }

    /**
     * Where the application is mounted: the context path, plus the servlet path for a path mapping
     * ({@code /app/*}); for the default, exact or extension mappings the servlet path is the
     * request's own path, so the root is the context. Only a path mapping yields a path info, so
     * the mapping is asked for only when there is none.
     */
    static String rootPath(HttpServletRequest request, String contextPath, String servletPath, String pathInfo) {
        boolean pathMapping =
                pathInfo != null || request.getHttpServletMapping().getMappingMatch() == MappingMatch.PATH;
        return pathMapping ? join(contextPath, servletPath, null) : contextPath;
    }

    /** The request headers in received order, names lowercased, repeated fields kept. */
    static List<Header> headers(HttpServletRequest request) {
        // walks the enumerations rather than copying each into a list: this runs for every request
        List<Header> headers = new ArrayList<>();
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements(); ) {
                headers.add(Header.of(name, values.nextElement()));
            }
        }
        return headers;
    }
}

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
    private HttpScopes() {}

    static HttpScope from(HttpServletRequest request, Map<String, Object> state) {
        String rootPath = rootPath(request);
        String pathInfo = request.getPathInfo();
        String path = request.getContextPath() + request.getServletPath() + (pathInfo != null ? pathInfo : "");
        String query = request.getQueryString();
        return new HttpScope(
                httpVersion(request.getProtocol()),
                request.getMethod(),
                request.getScheme(),
                path,
                request.getRequestURI().getBytes(StandardCharsets.ISO_8859_1),
                query != null ? query.getBytes(StandardCharsets.ISO_8859_1) : new byte[0],
                rootPath,
                headers(request),
                Endpoint.of(request.getRemoteAddr(), request.getRemotePort()),
                Endpoint.of(request.getLocalAddr(), request.getLocalPort()),
                state);
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
     * request's own path, so the root is the context.
     */
    static String rootPath(HttpServletRequest request) {
        MappingMatch match = request.getHttpServletMapping().getMappingMatch();
        return match == MappingMatch.PATH
                ? request.getContextPath() + request.getServletPath()
                : request.getContextPath();
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

package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.Endpoint;
import dev.gatehouse.asgi.WebSocketScope;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The WebSocket handshake request (RFC 6455 §4.2.1) and its mapping to an ASGI {@code websocket}
 * scope (WebSocket spec 2.4, "Websocket Connection Scope"), in the scope's key order. No I/O.
 */
final class WebSocketScopes {
    private WebSocketScopes() {}

    /**
     * Whether the request asks for a WebSocket: {@code Upgrade: websocket} (RFC 6455 §4.2.1 item
     * 3). Whether it asks correctly is {@link #handshakeProblem}'s question.
     */
    static boolean isUpgrade(HttpServletRequest request) {
        return tokens(request, "Upgrade").contains("websocket");
    }

    /**
     * What is wrong with a WebSocket handshake request (RFC 6455 §4.2.1), or null when it is
     * valid: a GET over HTTP/1.1, {@code Connection: upgrade}, a {@code Sec-WebSocket-Key} and
     * {@code Sec-WebSocket-Version: 13}.
     */
    static String handshakeProblem(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod())) {
            return "a WebSocket handshake must be a GET, not " + request.getMethod();
        } else if (!"HTTP/1.1".equals(request.getProtocol())) {
            return "WebSocket over " + request.getProtocol() + " is not supported; use HTTP/1.1";
        } else if (!tokens(request, "Connection").contains("upgrade")) {
            return "a WebSocket handshake needs Connection: upgrade";
        } else if (request.getHeader("Sec-WebSocket-Key") == null) {
            return "a WebSocket handshake needs Sec-WebSocket-Key";
        } else if (!"13".equals(strip(request.getHeader("Sec-WebSocket-Version")))) {
            return "Sec-WebSocket-Version must be 13";
        }
        return null;
    }

    static WebSocketScope from(HttpServletRequest request, Map<String, Object> state) {
        // the same path and root_path as an HTTP scope (see HttpScopes.from)
        String contextPath = request.getServletContext().getContextPath();
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String query = request.getQueryString();
        return new WebSocketScope(
                HttpScopes.httpVersion(request.getProtocol()),
                request.isSecure() ? "wss" : "ws",
                HttpScopes.join(contextPath, servletPath, pathInfo),
                request.getRequestURI().getBytes(StandardCharsets.ISO_8859_1),
                query != null ? query.getBytes(StandardCharsets.ISO_8859_1) : new byte[0],
                HttpScopes.rootPath(request, contextPath, servletPath, pathInfo),
                HttpScopes.headers(request),
                Endpoint.of(request.getRemoteAddr(), request.getRemotePort()),
                Endpoint.of(request.getLocalAddr(), request.getLocalPort()),
                subprotocols(request),
                state);
    }

    /** {@code Sec-WebSocket-Protocol}, every field, split at commas, in the client's order (§11.3.4). */
    static List<String> subprotocols(HttpServletRequest request) {
        List<String> offered = new ArrayList<>();
        for (Enumeration<String> values = request.getHeaders("Sec-WebSocket-Protocol"); values.hasMoreElements(); ) {
            for (String token : values.nextElement().split(",")) {
                String t = token.strip();
                if (!t.isEmpty() && !offered.contains(t)) {
                    offered.add(t);
                }
            }
        }
        return offered;
    }

    /** The comma-separated tokens of every {@code name} field, lowercased. */
    private static List<String> tokens(HttpServletRequest request, String name) {
        List<String> tokens = new ArrayList<>();
        for (Enumeration<String> values = request.getHeaders(name); values != null && values.hasMoreElements(); ) {
            for (String token : values.nextElement().split(",")) {
                tokens.add(token.strip().toLowerCase(Locale.ROOT));
            }
        }
        return tokens;
    }

    private static String strip(String value) {
        return value == null ? null : value.strip();
    }
}

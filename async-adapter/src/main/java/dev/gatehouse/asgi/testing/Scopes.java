package dev.gatehouse.asgi.testing;

import dev.gatehouse.asgi.Endpoint;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.WebSocketScope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Scopes with plausible defaults for tests: HTTP/1.1 from {@code 127.0.0.1:50000} to {@code
 * 127.0.0.1:8080}, mounted at the root, no lifespan state. The path may carry a query ({@code
 * "/search?q=a"}), which is split off into {@code query_string}.
 */
public final class Scopes {
    public static final Endpoint CLIENT = Endpoint.of("127.0.0.1", 50000);
    public static final Endpoint SERVER = Endpoint.of("127.0.0.1", 8080);

    private Scopes() {}

    public static HttpScope http(String method, String pathAndQuery, List<Header> headers) {
        String[] parts = split(pathAndQuery);
        return new HttpScope(
                "1.1",
                method,
                "http",
                parts[0],
                parts[0].getBytes(StandardCharsets.UTF_8),
                parts[1].getBytes(StandardCharsets.US_ASCII),
                "",
                headers,
                CLIENT,
                SERVER,
                Map.of());
    }

    public static HttpScope http(String method, String pathAndQuery) {
        return http(method, pathAndQuery, List.of());
    }

    public static WebSocketScope websocket(String pathAndQuery, String... subprotocols) {
        String[] parts = split(pathAndQuery);
        return new WebSocketScope(
                "1.1",
                "ws",
                parts[0],
                parts[0].getBytes(StandardCharsets.UTF_8),
                parts[1].getBytes(StandardCharsets.US_ASCII),
                "",
                List.of(),
                CLIENT,
                SERVER,
                List.of(subprotocols),
                Map.of());
    }

    private static String[] split(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0
                ? new String[] {pathAndQuery, ""}
                : new String[] {pathAndQuery.substring(0, q), pathAndQuery.substring(q + 1)};
    }
}

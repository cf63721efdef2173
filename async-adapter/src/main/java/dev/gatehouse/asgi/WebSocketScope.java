package dev.gatehouse.asgi;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code websocket} scope (ASGI WebSocket spec 2.4, "Websocket Connection Scope"): one socket,
 * from the handshake request until it closes.
 *
 * @param httpVersion of the handshake: {@code "1.1"} or {@code "2"}
 * @param scheme {@code "ws"} or {@code "wss"}; never empty
 * @param path the request target without query, percent-decoded and UTF-8-decoded
 * @param rawPath the path exactly as received, or null when the server cannot provide it
 * @param queryString the bytes after {@code ?}, still percent-encoded; empty when none
 * @param rootPath where the application is mounted; may be empty
 * @param headers the handshake request headers in received order, names lowercased
 * @param client the remote {@code [host, port]}, or null when unknown
 * @param server the local {@code [host, port]}, or null when unknown
 * @param subprotocols the subprotocols the client offered ({@code sec-websocket-protocol})
 * @param state a shallow, unmodifiable copy of the lifespan state; empty when there is none
 */
public record WebSocketScope(
        String httpVersion,
        String scheme,
        String path,
        byte[] rawPath,
        byte[] queryString,
        String rootPath,
        List<Header> headers,
        Endpoint client,
        Endpoint server,
        List<String> subprotocols,
        Map<String, Object> state)
        implements Scope {

    public static final String TYPE = "websocket";

    private static final Set<String> HTTP_VERSIONS = Set.of("1.1", "2");

    public WebSocketScope {
        if (!HTTP_VERSIONS.contains(httpVersion)) {
            throw new IllegalArgumentException("http_version " + httpVersion + " is not 1.1 or 2");
        }
        if (scheme == null || scheme.isEmpty()) {
            throw new IllegalArgumentException("scheme must not be empty");
        }
        Objects.requireNonNull(path, "path");
        rawPath = Bytes.copyOrNull(rawPath);
        queryString = Bytes.copy(queryString, "query_string");
        Objects.requireNonNull(rootPath, "root_path");
        headers = List.copyOf(headers);
        subprotocols = List.copyOf(subprotocols);
        state = Map.copyOf(state);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String specVersion() {
        return HttpScope.SPEC_VERSION;
    }

    @Override
    public byte[] rawPath() {
        return Bytes.copyOrNull(rawPath);
    }

    @Override
    public byte[] queryString() {
        return queryString.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebSocketScope s
                && httpVersion.equals(s.httpVersion)
                && scheme.equals(s.scheme)
                && path.equals(s.path)
                && Arrays.equals(rawPath, s.rawPath)
                && Arrays.equals(queryString, s.queryString)
                && rootPath.equals(s.rootPath)
                && headers.equals(s.headers)
                && Objects.equals(client, s.client)
                && Objects.equals(server, s.server)
                && subprotocols.equals(s.subprotocols)
                && state.equals(s.state);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(httpVersion, scheme, path, rootPath, headers, client, server);
        h = 31 * h + subprotocols.hashCode();
        h = 31 * h + Arrays.hashCode(rawPath);
        h = 31 * h + Arrays.hashCode(queryString);
        return 31 * h + state.hashCode();
    }

    @Override
    public String toString() {
        return "WebSocketScope{http_version=" + httpVersion + ", scheme=" + scheme + ", path=" + path
                + ", raw_path=" + Bytes.render(rawPath) + ", query_string=" + Bytes.render(queryString)
                + ", root_path=" + rootPath + ", headers=" + headers + ", client=" + client
                + ", server=" + server + ", subprotocols=" + subprotocols + ", state=" + state.keySet()
                + "}";
    }
}

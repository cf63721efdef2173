package dev.gatehouse.asgi;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code http} scope (ASGI HTTP spec 2.4, "HTTP Connection Scope"): one request and its
 * response. Lasts until the response is complete or the client goes away.
 *
 * @param httpVersion {@code "1.0"}, {@code "1.1"} or {@code "2"}
 * @param method the request method, an uppercase token
 * @param scheme {@code "http"} or {@code "https"}; never empty
 * @param path the request target without query, percent-decoded and UTF-8-decoded
 * @param rawPath the path exactly as received, or null when the server cannot provide it
 * @param queryString the bytes after {@code ?}, still percent-encoded; empty when none
 * @param rootPath where the application is mounted (the servlet context and servlet path); may be
 *     empty
 * @param headers the request headers in received order, names lowercased, duplicates kept
 * @param client the remote {@code [host, port]}, or null when unknown
 * @param server the local {@code [host, port]}, or null when unknown
 * @param state a shallow, unmodifiable copy of the lifespan state; empty when there is none
 */
public record HttpScope(
        String httpVersion,
        String method,
        String scheme,
        String path,
        byte[] rawPath,
        byte[] queryString,
        String rootPath,
        List<Header> headers,
        Endpoint client,
        Endpoint server,
        Map<String, Object> state)
        implements Scope {

    public static final String TYPE = "http";
    /** The HTTP and WebSocket spec version implemented: {@code send} after disconnect fails. */
    public static final String SPEC_VERSION = "2.4";

    private static final Set<String> HTTP_VERSIONS = Set.of("1.0", "1.1", "2");

    public HttpScope {
        if (!HTTP_VERSIONS.contains(httpVersion)) {
            throw new IllegalArgumentException("http_version " + httpVersion + " is not 1.0, 1.1 or 2");
        }
        if (method == null || method.isEmpty() || !isToken(method)) {
            throw new IllegalArgumentException("method " + method + " is not an uppercase token");
        }
        if (scheme == null || scheme.isEmpty()) {
            throw new IllegalArgumentException("scheme must not be empty");
        }
        Objects.requireNonNull(path, "path");
        rawPath = Bytes.copyOrNull(rawPath);
        queryString = Bytes.copy(queryString, "query_string");
        Objects.requireNonNull(rootPath, "root_path");
        headers = List.copyOf(headers);
        state = Map.copyOf(state);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String specVersion() {
        return SPEC_VERSION;
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
        return o instanceof HttpScope s
                && httpVersion.equals(s.httpVersion)
                && method.equals(s.method)
                && scheme.equals(s.scheme)
                && path.equals(s.path)
                && Arrays.equals(rawPath, s.rawPath)
                && Arrays.equals(queryString, s.queryString)
                && rootPath.equals(s.rootPath)
                && headers.equals(s.headers)
                && Objects.equals(client, s.client)
                && Objects.equals(server, s.server)
                && state.equals(s.state);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(httpVersion, method, scheme, path, rootPath, headers, client, server);
        h = 31 * h + Arrays.hashCode(rawPath);
        h = 31 * h + Arrays.hashCode(queryString);
        return 31 * h + state.hashCode();
    }

    @Override
    public String toString() {
        return "HttpScope{http_version=" + httpVersion + ", method=" + method + ", scheme=" + scheme
                + ", path=" + path + ", raw_path=" + Bytes.render(rawPath)
                + ", query_string=" + Bytes.render(queryString) + ", root_path=" + rootPath
                + ", headers=" + headers + ", client=" + client + ", server=" + server
                + ", state=" + state.keySet() + "}";
    }

    /** A plain loop, not a stream: this runs for every request the servlet bridge serves. */
    private static boolean isToken(String method) {
        for (int i = 0; i < method.length(); i++) {
            if (!isMethodChar(method.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMethodChar(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}

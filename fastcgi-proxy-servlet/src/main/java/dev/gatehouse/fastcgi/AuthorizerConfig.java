package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.meta.CgiHeaderParser;
import dev.gatehouse.fastcgi.client.BackendAddress;
import dev.gatehouse.fastcgi.client.Balancing;
import dev.gatehouse.fastcgi.client.ClientConfig;
import dev.gatehouse.servlet.InitParams;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The configuration of a {@link FastCgiAuthorizerFilter}, parsed and validated once from
 * init-params like {@link FastCgiConfig}: camelCase names, each with a default, an invalid value
 * failing deployment with an {@link IllegalArgumentException} naming the parameter.
 *
 * @param backends the FastCGI authorizers ({@code backend}: comma-separated {@code host:port}
 *     and {@code unix:/path}); several are balanced
 * @param passAuthorization whether the Authorization header reaches the authorizer as
 *     HTTP_AUTHORIZATION; on by default here (unlike the proxy): checking credentials is what an
 *     authorizer is for
 * @param attributePrefix put before NAME of each {@code Variable-NAME} header of a 200 answer to
 *     name the request attribute; empty by default, so {@code Variable-USER} becomes {@code USER}
 * @param params extra PARAMS sent with every request, after the meta-variables (they win)
 * @param connectTimeout the longest wait to connect to an authorizer
 * @param readTimeout the longest silence from an authorizer while its answer is due
 * @param idleTimeout how long an unused kept connection stays open
 * @param maxConnections the most connections open to each authorizer at once
 * @param maxQueued how many requests may wait for a connection
 * @param queueTimeout the longest wait for a connection before 503
 * @param balancing how a request picks its authorizer when there are several
 * @param maxHeaderBytes the largest CGI header block accepted from the authorizer; beyond it 502
 * @param maxDenialBytes the largest body of a non-200 answer, which is held in memory until the
 *     answer is complete; beyond it 502
 */
public record AuthorizerConfig(
        List<BackendAddress> backends,
        boolean passAuthorization,
        String attributePrefix,
        Map<String, String> params,
        Duration connectTimeout,
        Duration readTimeout,
        Duration idleTimeout,
        int maxConnections,
        int maxQueued,
        Duration queueTimeout,
        Balancing balancing,
        int maxHeaderBytes,
        int maxDenialBytes) {

    private static final Duration UNHEALTHY_FOR = Duration.ofSeconds(10);

    public AuthorizerConfig {
        backends = List.copyOf(backends);
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("no backend");
        }
        Objects.requireNonNull(attributePrefix, "attributePrefix");
        params.forEach((name, value) -> Objects.requireNonNull(value, name));
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        Objects.requireNonNull(balancing, "balancing");
    }

    /**
     * Parses init-params; {@code param} returns null for an absent parameter.
     *
     * @throws IllegalArgumentException naming the parameter and what it accepts
     */
    public static AuthorizerConfig parse(Function<String, String> param) {
        InitParams p = new InitParams(param);
        return new AuthorizerConfig(
                p.parse("backend", "127.0.0.1:9001", BackendAddress::list),
                p.bool("passAuthorization", true),
                attributePrefix(param.apply("attributePrefix")),
                p.parse("params", "", InitParams::lines),
                p.duration("connectTimeout", "5s"),
                p.duration("readTimeout", "10s"),
                p.duration("idleTimeout", "60s"),
                p.atLeast("maxConnections", 16, 1),
                p.atLeast("maxQueued", 256, 0),
                p.duration("queueTimeout", "5s"),
                p.parse("balancing", "roundRobin", Balancing::parse),
                p.atLeast("maxHeaderBytes", 65536, CgiHeaderParser.MIN_BYTES),
                p.atLeast("maxDenialBytes", 65536, 0));
    }

    /** The transport settings for the filter's own client. */
    ClientConfig clientConfig() {
        return new ClientConfig(
                connectTimeout,
                readTimeout,
                idleTimeout,
                maxConnections,
                maxQueued,
                queueTimeout,
                balancing,
                UNHEALTHY_FOR);
    }

    /** Retry-After for a 503: the queue timeout, in whole seconds, at least 1. */
    String retryAfter() {
        return Long.toString(Math.max(1, (queueTimeout.toMillis() + 999) / 1000));
    }

    /** Taken as written (not stripped), but it must be usable in an attribute name. */
    private static String attributePrefix(String value) {
        if (value == null) {
            return "";
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isWhitespace(value.charAt(i)) || Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException("init-param attributePrefix='" + value
                        + "' is invalid: expected no whitespace or control characters");
            }
        }
        return value;
    }
}

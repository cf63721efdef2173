package dev.gatehouse.fastcgi;

import dev.gatehouse.fastcgi.client.Balancing;
import dev.gatehouse.servlet.TypedInitParams;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Configures a {@link FastCgiAuthorizerFilter} in code, one typed setter per init-param, for
 * {@code ServletContext.addFilter}, Spring's {@code FilterRegistrationBean} or an embedded Jetty
 * or Tomcat:
 *
 * <pre>{@code
 * FastCgiAuthorizerFilter auth = FastCgiAuthorizerFilter.builder()
 *         .backend("unix:/run/auth/authorizer.sock")
 *         .attributePrefix("auth.")
 *         .build();
 * }</pre>
 *
 * <p>Each setter records the init-param's value as {@code web.xml} would write it ({@link
 * TypedInitParams}), and {@link #build()} validates them with {@link AuthorizerConfig#parse}:
 * the same defaults, checks and messages as the init-params, failing at {@code build()} rather
 * than at deployment. A setter given null restores the default. Map the filter for the REQUEST
 * and ASYNC dispatcher types, async-supported; init-params given on the registration apply on
 * top of the builder's values (see {@link TypedInitParams#overlay}).
 */
public final class FastCgiAuthorizerFilterBuilder {
    private final TypedInitParams params = new TypedInitParams();

    FastCgiAuthorizerFilterBuilder() {}

    /**
     * {@code backend} (default {@code 127.0.0.1:9001}): the authorizer, {@code host:port}, {@code
     * [ipv6]:port} or {@code unix:/path}; several are balanced.
     */
    public FastCgiAuthorizerFilterBuilder backend(String... addresses) {
        params.list("backend", addresses == null ? null : List.of(addresses), false);
        return this;
    }

    /**
     * {@code passAuthorization} (default true, unlike the proxy): pass the Authorization header as
     * HTTP_AUTHORIZATION, since checking credentials is what an authorizer usually does.
     */
    public FastCgiAuthorizerFilterBuilder passAuthorization(boolean pass) {
        params.bool("passAuthorization", pass);
        return this;
    }

    /**
     * {@code attributePrefix} (default empty): put before NAME of each {@code Variable-NAME} field
     * of a 200 answer to name the request attribute ({@code auth.} makes {@code auth.USER}).
     */
    public FastCgiAuthorizerFilterBuilder attributePrefix(String prefix) {
        params.string("attributePrefix", prefix);
        return this;
    }

    /** {@code params} (default none): extra PARAMS; they win over a meta-variable of the same name. */
    public FastCgiAuthorizerFilterBuilder params(Map<String, String> params) {
        this.params.lines("params", params);
        return this;
    }

    /** {@code connectTimeout} (default 5s): the longest wait to connect; then 502 if no other authorizer is left. */
    public FastCgiAuthorizerFilterBuilder connectTimeout(Duration timeout) {
        params.duration("connectTimeout", timeout);
        return this;
    }

    /** {@code readTimeout} (default 10s): the longest silence from the authorizer while its answer is due; then 504. */
    public FastCgiAuthorizerFilterBuilder readTimeout(Duration timeout) {
        params.duration("readTimeout", timeout);
        return this;
    }

    /** {@code idleTimeout} (default 60s): how long an unused kept-alive connection stays open. */
    public FastCgiAuthorizerFilterBuilder idleTimeout(Duration timeout) {
        params.duration("idleTimeout", timeout);
        return this;
    }

    /** {@code maxConnections} (default 16): connections per authorizer, in use or kept alive. */
    public FastCgiAuthorizerFilterBuilder maxConnections(int connections) {
        params.number("maxConnections", connections);
        return this;
    }

    /** {@code maxQueued} (default 256): requests waiting for a connection; beyond it 503. */
    public FastCgiAuthorizerFilterBuilder maxQueued(int requests) {
        params.number("maxQueued", requests);
        return this;
    }

    /** {@code queueTimeout} (default 5s): the longest wait for a connection; then 503 with Retry-After. */
    public FastCgiAuthorizerFilterBuilder queueTimeout(Duration timeout) {
        params.duration("queueTimeout", timeout);
        return this;
    }

    /** {@code balancing} (default {@code roundRobin}): how a request picks among several authorizers. */
    public FastCgiAuthorizerFilterBuilder balancing(Balancing balancing) {
        params.string("balancing", balancing == null ? null : balancing.paramValue());
        return this;
    }

    /**
     * {@code maxHeaderBytes} (default 65536): the largest CGI header block accepted from the
     * authorizer; beyond it, or malformed, 502.
     */
    public FastCgiAuthorizerFilterBuilder maxHeaderBytes(int bytes) {
        params.number("maxHeaderBytes", bytes);
        return this;
    }

    /**
     * {@code maxDenialBytes} (default 65536): the largest body of a non-200 answer, held in memory
     * until the answer is complete; beyond it 502.
     */
    public FastCgiAuthorizerFilterBuilder maxDenialBytes(int bytes) {
        params.number("maxDenialBytes", bytes);
        return this;
    }

    /** The settings as init-params, as a {@code web.xml} would give them. */
    public Map<String, String> initParameters() {
        return params.values();
    }

    /**
     * The configuration these settings make, parsed as init-params are.
     *
     * @throws IllegalArgumentException naming the init-param at fault
     */
    public AuthorizerConfig config() {
        Map<String, String> values = params.values();
        return AuthorizerConfig.parse(values::get);
    }

    /**
     * A filter with these settings, validated now.
     *
     * @throws IllegalArgumentException naming the init-param at fault, with the message the
     *     init-param would give at deployment
     */
    public FastCgiAuthorizerFilter build() {
        config();
        return new FastCgiAuthorizerFilter(params.values());
    }
}

package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.servlet.TypedInitParams;
import java.time.Duration;
import java.util.Map;

/**
 * Configures an {@link AsgiServlet} around an application instance in code, one typed setter per
 * init-param, for {@code ServletContext.addServlet}, Spring's {@code ServletRegistrationBean} or
 * an embedded Jetty or Tomcat:
 *
 * <pre>{@code
 * AsgiServlet hello = AsgiServlet.builder(new HelloApp())
 *         .asyncTimeout(Duration.ofSeconds(30))
 *         .build();
 * }</pre>
 *
 * <p>Each setter records the init-param's value as {@code web.xml} would write it ({@link
 * TypedInitParams}), and {@link #build()} validates them with {@link AsgiServletConfig#from}:
 * the same defaults, checks and messages as the init-params, failing at {@code build()} rather
 * than at deployment. A setter given null restores the default. The instance stands for the
 * {@code application} init-param, which a registration of the built servlet must not give. The
 * servlet still needs async support on its registration; init-params given on the registration
 * apply on top of the builder's values (see {@link TypedInitParams#overlay}).
 */
public final class AsgiServletBuilder {
    private final AsgiApplication application;
    private final TypedInitParams params = new TypedInitParams();

    AsgiServletBuilder(AsgiApplication application) {
        if (application == null) {
            throw new IllegalArgumentException("application is null");
        }
        this.application = application;
    }

    /**
     * {@code asyncTimeout} (default 60s): the longest one HTTP exchange may take, start to end;
     * then 504, or the connection aborted if the response has started. {@link Duration#ZERO} means
     * no limit.
     */
    public AsgiServletBuilder asyncTimeout(Duration timeout) {
        params.duration(AsgiServletConfig.ASYNC_TIMEOUT, timeout);
        return this;
    }

    /**
     * {@code lifespanTimeout} (default 30s): how long {@code init} and {@code destroy} wait for
     * {@code lifespan.startup} and {@code lifespan.shutdown} to be answered.
     */
    public AsgiServletBuilder lifespanTimeout(Duration timeout) {
        params.duration(AsgiServletConfig.LIFESPAN_TIMEOUT, timeout);
        return this;
    }

    /**
     * {@code readBufferSize} (default 65536, from 1024 to 16 MiB): the most request-body bytes in
     * one {@code http.request} event, the memory a body read holds.
     */
    public AsgiServletBuilder readBufferSize(int bytes) {
        params.number(AsgiServletConfig.READ_BUFFER_SIZE, bytes);
        return this;
    }

    /**
     * {@code webSocketMaxMessageSize} (default 1 MiB, from 125 bytes to 256 MiB): the largest
     * WebSocket message a client may send; a larger one closes the socket with 1009.
     */
    public AsgiServletBuilder webSocketMaxMessageSize(int bytes) {
        params.number(AsgiServletConfig.WEBSOCKET_MAX_MESSAGE_SIZE, bytes);
        return this;
    }

    /**
     * {@code webSocketHandshakeTimeout} (default 10s): how long a WebSocket handshake waits for
     * the application's {@code websocket.accept} or close; then 504.
     */
    public AsgiServletBuilder webSocketHandshakeTimeout(Duration timeout) {
        params.duration(AsgiServletConfig.WEBSOCKET_HANDSHAKE_TIMEOUT, timeout);
        return this;
    }

    /** The settings as init-params, as a {@code web.xml} would give them (without {@code application}). */
    public Map<String, String> initParameters() {
        return params.values();
    }

    /**
     * The configuration these settings make, parsed as init-params are.
     *
     * @throws IllegalArgumentException naming the init-param at fault
     */
    public AsgiServletConfig config() {
        Map<String, String> values = params.values();
        return AsgiServletConfig.from(values::get, true);
    }

    /**
     * A servlet serving the application with these settings, validated now.
     *
     * @throws IllegalArgumentException naming the init-param at fault, with the message the
     *     init-param would give at deployment
     */
    public AsgiServlet build() {
        config();
        return new AsgiServlet(application, params.values());
    }
}

package dev.gatehouse.asgi.servlet;

import dev.gatehouse.servlet.InitParams;
import java.time.Duration;
import java.util.function.Function;

/**
 * The configuration of one {@link AsgiServlet}, read from its init-params once, at init, and
 * validated: an invalid value fails deployment with a message naming the parameter, its value and
 * what it accepts. Durations are written as in the other Gatehouse servlets: {@code 500ms}, {@code
 * 30s}, {@code 5m}, or a bare number of seconds.
 *
 * @param application the application's class name (init-param {@code application}); null when the
 *     servlet was constructed with an application instance
 * @param asyncTimeout how long one exchange may take, start to end ({@code
 *     AsyncContext.setTimeout}); zero means no limit
 * @param lifespanTimeout how long {@code init} and {@code destroy} wait for the application to
 *     answer {@code lifespan.startup} and {@code lifespan.shutdown}
 * @param readBufferSize the most request-body bytes read into one {@code http.request} event
 * @param webSocketMaxMessageSize the largest WebSocket message, in bytes, a client may send; a
 *     larger one closes the socket with 1009
 * @param webSocketHandshakeTimeout how long a WebSocket handshake waits for the application to
 *     answer {@code websocket.connect} (the container's thread waits meanwhile; see {@link
 *     WebSocketUpgrade})
 */
public record AsgiServletConfig(
        String application,
        Duration asyncTimeout,
        Duration lifespanTimeout,
        int readBufferSize,
        int webSocketMaxMessageSize,
        Duration webSocketHandshakeTimeout) {

    public static final String APPLICATION = "application";
    public static final String ASYNC_TIMEOUT = "asyncTimeout";
    public static final String LIFESPAN_TIMEOUT = "lifespanTimeout";
    public static final String READ_BUFFER_SIZE = "readBufferSize";
    public static final String WEBSOCKET_MAX_MESSAGE_SIZE = "webSocketMaxMessageSize";
    public static final String WEBSOCKET_HANDSHAKE_TIMEOUT = "webSocketHandshakeTimeout";

    static final Duration DEFAULT_ASYNC_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DEFAULT_LIFESPAN_TIMEOUT = Duration.ofSeconds(30);
    static final int DEFAULT_READ_BUFFER_SIZE = 65536;
    static final int DEFAULT_WEBSOCKET_MAX_MESSAGE_SIZE = 1 << 20;
    static final Duration DEFAULT_WEBSOCKET_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** The HTTP-only settings, with the WebSocket defaults. */
    public AsgiServletConfig(String application, Duration asyncTimeout, Duration lifespanTimeout, int readBufferSize) {
        this(
                application,
                asyncTimeout,
                lifespanTimeout,
                readBufferSize,
                DEFAULT_WEBSOCKET_MAX_MESSAGE_SIZE,
                DEFAULT_WEBSOCKET_HANDSHAKE_TIMEOUT);
    }

    /**
     * Reads the init-params through {@code param} (e.g. {@code getInitParameter}; null for absent).
     *
     * @param applicationGiven whether the servlet already has an application instance, in which case
     *     the {@code application} init-param must be absent
     * @throws IllegalArgumentException naming the parameter and the accepted values
     */
    public static AsgiServletConfig from(Function<String, String> param, boolean applicationGiven) {
        String application = value(param, APPLICATION);
        if (applicationGiven && application != null) {
            throw new IllegalArgumentException("init-param " + APPLICATION + "='" + application
                    + "' is invalid: the servlet was constructed with an application instance");
        } else if (!applicationGiven && application == null) {
            throw new IllegalArgumentException("init-param " + APPLICATION + " is missing: expected the"
                    + " class name of an AsgiApplication with a public no-argument constructor");
        }
        InitParams p = new InitParams(param);
        return new AsgiServletConfig(
                application,
                p.durationOrZero(ASYNC_TIMEOUT, millis(DEFAULT_ASYNC_TIMEOUT)),
                p.duration(LIFESPAN_TIMEOUT, millis(DEFAULT_LIFESPAN_TIMEOUT)),
                p.size(READ_BUFFER_SIZE, DEFAULT_READ_BUFFER_SIZE, 1024, 16 * 1024 * 1024),
                p.size(WEBSOCKET_MAX_MESSAGE_SIZE, DEFAULT_WEBSOCKET_MAX_MESSAGE_SIZE, 125, 256 * 1024 * 1024),
                p.duration(WEBSOCKET_HANDSHAKE_TIMEOUT, millis(DEFAULT_WEBSOCKET_HANDSHAKE_TIMEOUT)));
    }

    private static String value(Function<String, String> param, String name) {
        String value = param.apply(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String millis(Duration d) {
        return d.toMillis() + "ms";
    }
}

package dev.gatehouse.asgi.servlet;

import java.time.Duration;
import java.util.Locale;
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
        return new AsgiServletConfig(
                application,
                duration(param, ASYNC_TIMEOUT, DEFAULT_ASYNC_TIMEOUT, true),
                duration(param, LIFESPAN_TIMEOUT, DEFAULT_LIFESPAN_TIMEOUT, false),
                size(param, READ_BUFFER_SIZE, DEFAULT_READ_BUFFER_SIZE, 1024, 16 * 1024 * 1024),
                size(param, WEBSOCKET_MAX_MESSAGE_SIZE, DEFAULT_WEBSOCKET_MAX_MESSAGE_SIZE, 125, 256 * 1024 * 1024),
                duration(param, WEBSOCKET_HANDSHAKE_TIMEOUT, DEFAULT_WEBSOCKET_HANDSHAKE_TIMEOUT, false));
    }

    private static String value(Function<String, String> param, String name) {
        String value = param.apply(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Duration duration(Function<String, String> param, String name, Duration def, boolean zeroAllowed) {
        String value = value(param, name);
        if (value == null) {
            return def;
        }
        try {
            Duration d = parseDuration(value);
            if (d.isNegative() || (d.isZero() && !zeroAllowed)) {
                throw new IllegalArgumentException("negative or zero");
            }
            return d;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "init-param " + name + "='" + value + "' is invalid:"
                            + " expected " + (zeroAllowed ? "0 (no limit) or " : "") + "a positive duration such"
                            + " as 500ms, 30s or 2m",
                    e);
        }
    }

    private static Duration parseDuration(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        } else if (v.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        } else if (v.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(v));
    }

    private static int size(Function<String, String> param, String name, int def, int min, int max) {
        String value = value(param, name);
        if (value == null) {
            return def;
        }
        try {
            int size = Integer.parseInt(value);
            if (size < min || size > max) {
                throw new IllegalArgumentException("out of range");
            }
            return size;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "init-param " + name + "='" + value + "' is invalid: expected a number of bytes from " + min
                            + " to " + max,
                    e);
        }
    }
}

package dev.gatehouse.asgi;

/**
 * An event sent or received out of order: the application (or a server) broke one of the rules of
 * the ASGI protocol for the scope. The message names the event's ASGI type, the state the exchange
 * was in, and the rule, e.g. {@code "http.response.body in state START: http.response.start must
 * come first"}.
 *
 * <p>A protocol error is a programming error, hence unchecked. A {@link Send#send} that breaks a
 * rule returns a stage failed with this exception; the exchange's state is left unchanged.
 */
public final class AsgiProtocolException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * The pseudo event type naming the application's return (completing its stage) when it left the
     * exchange incomplete.
     */
    public static final String APPLICATION_RETURN = "application return";

    private final String eventType;
    private final String state;

    public AsgiProtocolException(String eventType, Enum<?> state, String rule) {
        super(eventType + " in state " + state.name() + ": " + rule);
        this.eventType = eventType;
        this.state = state.name();
    }

    /** The ASGI type of the offending event, e.g. {@code "http.response.body"}. */
    public String eventType() {
        return eventType;
    }

    /** The name of the state the exchange was in when the event arrived. */
    public String state() {
        return state;
    }
}

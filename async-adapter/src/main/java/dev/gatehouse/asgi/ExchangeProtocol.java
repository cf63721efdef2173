package dev.gatehouse.asgi;

import java.util.Optional;

/**
 * The order rules of one connection scope, as a state machine that both sides of the contract
 * drive: the application's sends through {@link #send}, the server's events through {@link
 * #deliver}. One instance per scope; pure (no I/O), thread-safe, and shared by the servlet bridge
 * and the test communicator so that misuse fails the same way in tests and in production.
 *
 * <p>Every illegal transition throws {@link AsgiProtocolException} naming the event, the state and
 * the rule, and leaves the state unchanged; a send after the client disconnected throws {@link
 * ClientDisconnectedException} instead.
 */
public sealed interface ExchangeProtocol permits HttpProtocol, WebSocketProtocol, LifespanProtocol {

    /** A new state machine for the protocol of {@code scope}. */
    static ExchangeProtocol forScope(Scope scope) {
        if (scope instanceof HttpScope) {
            return new HttpProtocol();
        } else if (scope instanceof WebSocketScope ws) {
            return new WebSocketProtocol(ws.subprotocols());
        } else if (scope instanceof LifespanScope) {
            return new LifespanProtocol();
        }
        throw new IllegalArgumentException("unknown scope " + scope);
    }

    /**
     * Checks an event the application sends, and moves to the next state. Call it before writing
     * anything: if it throws, the event must not reach the client.
     *
     * @throws AsgiProtocolException if the event is not allowed now
     * @throws ClientDisconnectedException if the client has gone
     */
    void send(SendEvent event) throws ClientDisconnectedException;

    /**
     * Checks an event the server is about to hand to the application, and records its effect (a
     * disconnect, the end of the request body, the lifespan phase).
     *
     * @throws AsgiProtocolException if a server produced the event out of order
     */
    void deliver(ReceiveEvent event);

    /**
     * The event {@code receive()} returns, immediately and repeatedly, once no more input will come
     * (after a disconnect; for HTTP also once the response is complete); empty before that.
     */
    Optional<ReceiveEvent> finalEvent();

    /**
     * Checks that the application may complete now, i.e. that it did not leave the exchange half
     * done (no response, an unfinished body, an unanswered lifespan event).
     *
     * @throws AsgiProtocolException naming what is missing
     */
    void applicationReturned();

    /** The name of the current state, for logs and messages. */
    String stateName();
}

package dev.gatehouse.asgi;

import java.util.List;
import java.util.Optional;

/**
 * The WebSocket state machine (ASGI WebSocket spec 2.4 and the Denial Response extension):
 *
 * <pre>
 * HANDSHAKE --websocket.accept--&gt; ACCEPTED --websocket.close--&gt; CLOSED
 * HANDSHAKE --websocket.close--&gt; DENIED (the server answers 403)
 * HANDSHAKE --websocket.http.response.start--&gt; RESPONDING
 * RESPONDING --websocket.http.response.body(!more_body)--&gt; DENIED
 * any state --websocket.disconnect--&gt; DISCONNECTED
 * </pre>
 *
 * <p>{@code websocket.send} is only allowed in ACCEPTED; a denial response only in HANDSHAKE; after
 * CLOSED or DENIED every send is a protocol error (the application itself ended the socket), after
 * DISCONNECTED it fails with {@link ClientDisconnectedException}. The server side is checked too:
 * {@code websocket.connect} first and once, {@code websocket.receive} only after accept.
 */
public final class WebSocketProtocol implements ExchangeProtocol {

    /** The states of the socket. */
    public enum State {
        HANDSHAKE,
        RESPONDING,
        ACCEPTED,
        CLOSED,
        DENIED,
        DISCONNECTED
    }

    private final List<String> offeredSubprotocols;
    private State state = State.HANDSHAKE;
    private boolean connectDelivered;
    private WebSocketDisconnect disconnect;

    /** @param offeredSubprotocols the scope's {@code subprotocols}; accept may choose only these */
    public WebSocketProtocol(List<String> offeredSubprotocols) {
        this.offeredSubprotocols = List.copyOf(offeredSubprotocols);
    }

    public synchronized State state() {
        return state;
    }

    @Override
    public synchronized String stateName() {
        return state.name();
    }

    @Override
    public synchronized void send(SendEvent event) throws ClientDisconnectedException {
        if (state == State.DISCONNECTED) {
            throw new ClientDisconnectedException(event.asgiType());
        }
        if (!(event instanceof WebSocketEvent)) {
            throw reject(event, "not a websocket send event");
        }
        if (state == State.CLOSED || state == State.DENIED) {
            throw reject(event, "the socket is closed");
        }
        if (state == State.RESPONDING && !(event instanceof WebSocketHttpResponseBody)) {
            throw reject(event, "a denial response has started; only its body may follow");
        }
        if (event instanceof WebSocketAccept accept) {
            accept(accept);
        } else if (event instanceof WebSocketSend) {
            requireState(event, State.ACCEPTED, "websocket.accept must come first");
        } else if (event instanceof WebSocketClose) {
            state = state == State.HANDSHAKE ? State.DENIED : State.CLOSED;
        } else if (event instanceof WebSocketHttpResponseStart) {
            requireState(event, State.HANDSHAKE, "a denial response is only allowed before accept");
            state = State.RESPONDING;
        } else if (event instanceof WebSocketHttpResponseBody body) {
            if (state == State.ACCEPTED) {
                throw reject(event, "a denial response is only allowed before accept");
            }
            requireState(event, State.RESPONDING, "websocket.http.response.start must come first");
            if (!body.moreBody()) {
                state = State.DENIED;
            }
        }
    }

    private void accept(WebSocketAccept event) {
        requireState(event, State.HANDSHAKE, "websocket.accept was already sent");
        String chosen = event.subprotocol();
        if (chosen != null && !offeredSubprotocols.contains(chosen)) {
            throw reject(event, "subprotocol " + chosen + " was not offered by the client " + offeredSubprotocols);
        }
        state = State.ACCEPTED;
    }

    @Override
    public synchronized void deliver(ReceiveEvent event) {
        if (state == State.DISCONNECTED) {
            throw reject(event, "websocket.disconnect was already delivered");
        }
        if (event instanceof WebSocketConnect) {
            if (connectDelivered) {
                throw reject(event, "websocket.connect was already delivered");
            }
            connectDelivered = true;
        } else if (!connectDelivered) {
            throw reject(event, "websocket.connect must be delivered first");
        } else if (event instanceof WebSocketReceive) {
            if (state != State.ACCEPTED && state != State.CLOSED) {
                throw reject(event, "no messages before websocket.accept");
            }
        } else if (event instanceof WebSocketDisconnect d) {
            disconnect = d;
            state = State.DISCONNECTED;
        } else {
            throw reject(event, "not a websocket receive event");
        }
    }

    @Override
    public synchronized Optional<ReceiveEvent> finalEvent() {
        return Optional.ofNullable(disconnect);
    }

    @Override
    public synchronized void applicationReturned() {
        if (state == State.RESPONDING) {
            throw new AsgiProtocolException(
                    AsgiProtocolException.APPLICATION_RETURN,
                    state,
                    "the denial response's last websocket.http.response.body had more_body=true");
        }
        // Returning in HANDSHAKE or ACCEPTED is allowed: the server then closes the socket
        // (403 before accept, close code 1000 after), as the spec says for an application that ends.
    }

    private void requireState(Event event, State required, String rule) {
        if (state != required) {
            throw reject(event, rule);
        }
    }

    private AsgiProtocolException reject(Event event, String rule) {
        return new AsgiProtocolException(event.asgiType(), state, rule);
    }
}

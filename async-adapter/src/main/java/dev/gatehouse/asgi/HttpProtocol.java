package dev.gatehouse.asgi;

import java.util.Optional;

/**
 * The HTTP response state machine (ASGI HTTP spec 2.4 and the HTTP Trailers extension):
 *
 * <pre>
 * START --http.response.start--&gt; STARTED --http.response.body(more_body)--&gt; STREAMING
 * STARTED|STREAMING --http.response.body(!more_body)--&gt; DONE, or TRAILERS if trailers=true
 * TRAILERS --http.response.trailers(!more_trailers)--&gt; DONE
 * any state but DONE --http.disconnect--&gt; DISCONNECTED
 * </pre>
 *
 * <p>STARTED means the status and headers are known but nothing need have reached the client, so
 * a failing application can still be answered with a 500; from STREAMING on ({@link #committed()})
 * the connection can only be aborted. Sends after DONE are protocol errors (the spec says
 * "ignored"; silently dropping them hides bugs); sends after DISCONNECTED fail with {@link
 * ClientDisconnectedException}.
 */
public final class HttpProtocol implements ExchangeProtocol {

    /** The states of the response. */
    public enum State {
        START,
        STARTED,
        STREAMING,
        TRAILERS,
        DONE,
        DISCONNECTED
    }

    private State state = State.START;
    private boolean trailersAnnounced;
    private boolean committed;
    private boolean requestComplete;

    public synchronized State state() {
        return state;
    }

    @Override
    public synchronized String stateName() {
        return state.name();
    }

    /** Whether a body event has been accepted, i.e. the response may have reached the client. */
    public synchronized boolean committed() {
        return committed;
    }

    @Override
    public synchronized void send(SendEvent event) throws ClientDisconnectedException {
        if (state == State.DISCONNECTED) {
            throw new ClientDisconnectedException(event.asgiType());
        }
        if (event instanceof HttpResponseStart start) {
            responseStart(start);
        } else if (event instanceof HttpResponseBody body) {
            responseBody(body);
        } else if (event instanceof HttpResponseTrailers trailers) {
            responseTrailers(trailers);
        } else {
            throw reject(event, "not an http send event");
        }
    }

    private void responseStart(HttpResponseStart event) {
        if (state == State.DONE) {
            throw reject(event, "the response is complete");
        } else if (state != State.START) {
            throw reject(event, "http.response.start was already sent");
        }
        trailersAnnounced = event.trailers();
        state = State.STARTED;
    }

    private void responseBody(HttpResponseBody event) {
        switch (state) {
            case STARTED, STREAMING -> {
                committed = true;
                if (event.moreBody()) {
                    state = State.STREAMING;
                } else {
                    state = trailersAnnounced ? State.TRAILERS : State.DONE;
                }
            }
            case START -> throw reject(event, "http.response.start must come first");
            case TRAILERS -> throw reject(event, "the body is complete; http.response.trailers expected");
            default -> throw reject(event, "the response is complete");
        }
    }

    private void responseTrailers(HttpResponseTrailers event) {
        if (state == State.START) {
            throw reject(event, "http.response.start must come first");
        } else if (!trailersAnnounced) {
            throw reject(event, "http.response.start did not announce trailers (trailers=true)");
        } else if (state == State.STARTED || state == State.STREAMING) {
            throw reject(event, "the body is not complete; end it with more_body=false first");
        } else if (state == State.DONE) {
            throw reject(event, "the response is complete");
        }
        if (!event.moreTrailers()) {
            state = State.DONE;
        }
    }

    @Override
    public synchronized void deliver(ReceiveEvent event) {
        if (event instanceof HttpRequest request) {
            if (state == State.DISCONNECTED) {
                throw reject(event, "the client has disconnected");
            } else if (requestComplete) {
                throw reject(event, "the request body is complete (more_body=false was delivered)");
            }
            requestComplete = !request.moreBody();
        } else if (event instanceof HttpDisconnect) {
            if (state != State.DONE) {
                state = State.DISCONNECTED;
            }
        } else {
            throw reject(event, "not an http receive event");
        }
    }

    @Override
    public synchronized Optional<ReceiveEvent> finalEvent() {
        return state == State.DONE || state == State.DISCONNECTED
                ? Optional.of(new HttpDisconnect())
                : Optional.empty();
    }

    @Override
    public synchronized void applicationReturned() {
        switch (state) {
            case START -> throw returned("http.response.start was never sent");
            case STARTED -> throw returned("http.response.body was never sent");
            case STREAMING -> throw returned("the last http.response.body had more_body=true");
            case TRAILERS -> throw returned("the announced http.response.trailers were never sent");
            default -> {
                // DONE or DISCONNECTED: nothing is owed to the client
            }
        }
    }

    private AsgiProtocolException reject(Event event, String rule) {
        return new AsgiProtocolException(event.asgiType(), state, rule);
    }

    private AsgiProtocolException returned(String rule) {
        return new AsgiProtocolException(AsgiProtocolException.APPLICATION_RETURN, state, rule);
    }
}

package dev.gatehouse.asgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every state machine transition as a table: a history of events (receive events are delivered,
 * send events sent), then the event under test, and either the state it leads to or the exact
 * message that rejects it.
 */
class ProtocolTransitionsTest {
    static final Scope HTTP = EventValidationTest.httpScope("1.1", "GET", "http");
    static final Scope WS = new WebSocketScope(
            "1.1",
            "ws",
            "/",
            null,
            new byte[0],
            "",
            List.of(),
            null,
            null,
            List.of("chat", "superchat"),
            java.util.Map.of());
    static final Scope LIFESPAN = new LifespanScope();

    static final HttpResponseStart START = new HttpResponseStart(200, Header.list("a", "1"));
    static final HttpResponseStart START_T = new HttpResponseStart(200, List.of(), true);
    static final HttpResponseBody MORE = new HttpResponseBody(new byte[] {1}, true);
    static final HttpResponseBody LAST = new HttpResponseBody(new byte[] {2});
    static final HttpResponseTrailers TRAILERS = new HttpResponseTrailers(Header.list("t", "1"));
    static final HttpResponseTrailers MORE_TRAILERS = new HttpResponseTrailers(Header.list("t", "1"), true);
    static final WebSocketConnect CONNECT = new WebSocketConnect();
    static final WebSocketAccept ACCEPT = new WebSocketAccept();
    static final WebSocketSend TEXT = WebSocketSend.ofText("hi");
    static final WebSocketClose CLOSE = new WebSocketClose(4000, "bye");
    static final WebSocketHttpResponseStart DENY = new WebSocketHttpResponseStart(401, List.of());
    static final WebSocketHttpResponseBody DENY_MORE = new WebSocketHttpResponseBody(new byte[1], true);
    static final WebSocketHttpResponseBody DENY_LAST = new WebSocketHttpResponseBody(new byte[1]);

    record Case(String name, Scope scope, List<Event> history, Event event, String outcome) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case ok(String name, Scope scope, List<Event> history, Event event, String state) {
        return new Case(name, scope, history, event, "-> " + state);
    }

    static Case bad(String name, Scope scope, List<Event> history, Event event, String message) {
        return new Case(name, scope, history, event, message);
    }

    static Stream<Case> http() {
        return Stream.of(
                ok("start", HTTP, List.of(), START, "STARTED"),
                ok("body with more", HTTP, List.of(START), MORE, "STREAMING"),
                ok("more chunks", HTTP, List.of(START, MORE), MORE, "STREAMING"),
                ok("last body", HTTP, List.of(START, MORE), LAST, "DONE"),
                ok("last body, trailers announced", HTTP, List.of(START_T), LAST, "TRAILERS"),
                ok("trailers", HTTP, List.of(START_T, LAST), TRAILERS, "DONE"),
                ok("more trailers", HTTP, List.of(START_T, LAST), MORE_TRAILERS, "TRAILERS"),
                ok("disconnect mid-stream", HTTP, List.of(START, MORE), new HttpDisconnect(), "DISCONNECTED"),
                ok("disconnect after done keeps DONE", HTTP, List.of(START, LAST), new HttpDisconnect(), "DONE"),
                ok(
                        "request body chunks",
                        HTTP,
                        List.of(new HttpRequest(new byte[1], true)),
                        new HttpRequest(new byte[1]),
                        "START"),
                bad(
                        "body before start",
                        HTTP,
                        List.of(),
                        LAST,
                        "http.response.body in state START: http.response.start must come first"),
                bad(
                        "start twice",
                        HTTP,
                        List.of(START),
                        START,
                        "http.response.start in state STARTED: http.response.start was already sent"),
                bad(
                        "start while streaming",
                        HTTP,
                        List.of(START, MORE),
                        START,
                        "http.response.start in state STREAMING: http.response.start was already sent"),
                bad(
                        "start after done",
                        HTTP,
                        List.of(START, LAST),
                        START,
                        "http.response.start in state DONE: the response is complete"),
                bad(
                        "body after more_body=false",
                        HTTP,
                        List.of(START, LAST),
                        MORE,
                        "http.response.body in state DONE: the response is complete"),
                bad(
                        "body instead of trailers",
                        HTTP,
                        List.of(START_T, LAST),
                        LAST,
                        "http.response.body in state TRAILERS: the body is complete; http.response.trailers expected"),
                bad(
                        "trailers without trailers=true",
                        HTTP,
                        List.of(START, LAST),
                        TRAILERS,
                        "http.response.trailers in state DONE: http.response.start did not announce trailers (trailers=true)"),
                bad(
                        "trailers before start",
                        HTTP,
                        List.of(),
                        TRAILERS,
                        "http.response.trailers in state START: http.response.start must come first"),
                bad(
                        "trailers before the body ends",
                        HTTP,
                        List.of(START_T, MORE),
                        TRAILERS,
                        "http.response.trailers in state STREAMING: the body is not complete; end it with more_body=false first"),
                bad(
                        "trailers after the last trailers",
                        HTTP,
                        List.of(START_T, LAST, TRAILERS),
                        TRAILERS,
                        "http.response.trailers in state DONE: the response is complete"),
                bad(
                        "websocket event in http",
                        HTTP,
                        List.of(),
                        ACCEPT,
                        "websocket.accept in state START: not an http send event"),
                bad(
                        "server: request after the last chunk",
                        HTTP,
                        List.of(new HttpRequest(new byte[0])),
                        new HttpRequest(new byte[0]),
                        "http.request in state START: the request body is complete (more_body=false was delivered)"),
                bad(
                        "server: request after disconnect",
                        HTTP,
                        List.of(new HttpDisconnect()),
                        new HttpRequest(new byte[0]),
                        "http.request in state DISCONNECTED: the client has disconnected"),
                bad(
                        "server: websocket event in http",
                        HTTP,
                        List.of(),
                        CONNECT,
                        "websocket.connect in state START: not an http receive event"));
    }

    static Stream<Case> websocket() {
        return Stream.of(
                ok("accept", WS, List.of(CONNECT), ACCEPT, "ACCEPTED"),
                ok(
                        "accept an offered subprotocol",
                        WS,
                        List.of(CONNECT),
                        new WebSocketAccept("superchat", List.of()),
                        "ACCEPTED"),
                ok("send", WS, List.of(CONNECT, ACCEPT), TEXT, "ACCEPTED"),
                ok("close after accept", WS, List.of(CONNECT, ACCEPT), CLOSE, "CLOSED"),
                ok("close before accept denies", WS, List.of(CONNECT), CLOSE, "DENIED"),
                ok("denial start", WS, List.of(CONNECT), DENY, "RESPONDING"),
                ok("denial body with more", WS, List.of(CONNECT, DENY), DENY_MORE, "RESPONDING"),
                ok("denial last body", WS, List.of(CONNECT, DENY, DENY_MORE), DENY_LAST, "DENIED"),
                ok(
                        "client message after accept",
                        WS,
                        List.of(CONNECT, ACCEPT),
                        WebSocketReceive.ofText("x"),
                        "ACCEPTED"),
                ok("client disconnect", WS, List.of(CONNECT, ACCEPT), new WebSocketDisconnect(1001), "DISCONNECTED"),
                bad(
                        "send before accept",
                        WS,
                        List.of(CONNECT),
                        TEXT,
                        "websocket.send in state HANDSHAKE: websocket.accept must come first"),
                bad(
                        "accept twice",
                        WS,
                        List.of(CONNECT, ACCEPT),
                        ACCEPT,
                        "websocket.accept in state ACCEPTED: websocket.accept was already sent"),
                bad(
                        "subprotocol not offered",
                        WS,
                        List.of(CONNECT),
                        new WebSocketAccept("mqtt", List.of()),
                        "websocket.accept in state HANDSHAKE: subprotocol mqtt was not offered by the client [chat, superchat]"),
                bad(
                        "denial after accept",
                        WS,
                        List.of(CONNECT, ACCEPT),
                        DENY,
                        "websocket.http.response.start in state ACCEPTED: a denial response is only allowed before accept"),
                bad(
                        "denial body after accept",
                        WS,
                        List.of(CONNECT, ACCEPT),
                        DENY_LAST,
                        "websocket.http.response.body in state ACCEPTED: a denial response is only allowed before accept"),
                bad(
                        "denial body before start",
                        WS,
                        List.of(CONNECT),
                        DENY_LAST,
                        "websocket.http.response.body in state HANDSHAKE: websocket.http.response.start must come first"),
                bad(
                        "accept during denial",
                        WS,
                        List.of(CONNECT, DENY),
                        ACCEPT,
                        "websocket.accept in state RESPONDING: a denial response has started; only its body may follow"),
                bad(
                        "close during denial",
                        WS,
                        List.of(CONNECT, DENY),
                        CLOSE,
                        "websocket.close in state RESPONDING: a denial response has started; only its body may follow"),
                bad(
                        "send after close",
                        WS,
                        List.of(CONNECT, ACCEPT, CLOSE),
                        TEXT,
                        "websocket.send in state CLOSED: the socket is closed"),
                bad(
                        "close twice",
                        WS,
                        List.of(CONNECT, ACCEPT, CLOSE),
                        CLOSE,
                        "websocket.close in state CLOSED: the socket is closed"),
                bad(
                        "accept after denial",
                        WS,
                        List.of(CONNECT, CLOSE),
                        ACCEPT,
                        "websocket.accept in state DENIED: the socket is closed"),
                bad(
                        "http event in websocket",
                        WS,
                        List.of(CONNECT),
                        START,
                        "http.response.start in state HANDSHAKE: not a websocket send event"),
                bad(
                        "server: receive before connect",
                        WS,
                        List.of(),
                        WebSocketReceive.ofText("x"),
                        "websocket.receive in state HANDSHAKE: websocket.connect must be delivered first"),
                bad(
                        "server: connect twice",
                        WS,
                        List.of(CONNECT),
                        CONNECT,
                        "websocket.connect in state HANDSHAKE: websocket.connect was already delivered"),
                bad(
                        "server: message before accept",
                        WS,
                        List.of(CONNECT),
                        WebSocketReceive.ofText("x"),
                        "websocket.receive in state HANDSHAKE: no messages before websocket.accept"),
                bad(
                        "server: disconnect twice",
                        WS,
                        List.of(CONNECT, new WebSocketDisconnect(1000)),
                        new WebSocketDisconnect(1000),
                        "websocket.disconnect in state DISCONNECTED: websocket.disconnect was already delivered"));
    }

    static Stream<Case> lifespan() {
        LifespanStartup startup = new LifespanStartup();
        LifespanShutdown shutdown = new LifespanShutdown();
        LifespanStartupComplete started = new LifespanStartupComplete();
        LifespanShutdownComplete stopped = new LifespanShutdownComplete();
        return Stream.of(
                ok("startup", LIFESPAN, List.of(), startup, "STARTING"),
                ok("startup complete", LIFESPAN, List.of(startup), started, "STARTED"),
                ok("startup failed", LIFESPAN, List.of(startup), new LifespanStartupFailed("db"), "STARTUP_FAILED"),
                ok("shutdown", LIFESPAN, List.of(startup, started), shutdown, "STOPPING"),
                ok("shutdown complete", LIFESPAN, List.of(startup, started, shutdown), stopped, "STOPPED"),
                ok(
                        "shutdown failed",
                        LIFESPAN,
                        List.of(startup, started, shutdown),
                        new LifespanShutdownFailed("x"),
                        "SHUTDOWN_FAILED"),
                bad(
                        "complete before startup",
                        LIFESPAN,
                        List.of(),
                        started,
                        "lifespan.startup.complete in state WAITING: lifespan.startup has not been received"),
                bad(
                        "startup answered twice",
                        LIFESPAN,
                        List.of(startup, started),
                        new LifespanStartupFailed("late"),
                        "lifespan.startup.failed in state STARTED: lifespan.startup was already answered"),
                bad(
                        "shutdown complete early",
                        LIFESPAN,
                        List.of(startup, started),
                        stopped,
                        "lifespan.shutdown.complete in state STARTED: lifespan.shutdown has not been received"),
                bad(
                        "shutdown answered twice",
                        LIFESPAN,
                        List.of(startup, started, shutdown, stopped),
                        stopped,
                        "lifespan.shutdown.complete in state STOPPED: lifespan.shutdown was already answered"),
                bad(
                        "http event in lifespan",
                        LIFESPAN,
                        List.of(),
                        LAST,
                        "http.response.body in state WAITING: not a lifespan send event"),
                bad(
                        "server: startup twice",
                        LIFESPAN,
                        List.of(startup),
                        startup,
                        "lifespan.startup in state STARTING: lifespan.startup was already delivered"),
                bad(
                        "server: shutdown after failed startup",
                        LIFESPAN,
                        List.of(startup, new LifespanStartupFailed("x")),
                        shutdown,
                        "lifespan.shutdown in state STARTUP_FAILED: lifespan.shutdown only follows lifespan.startup.complete"),
                bad(
                        "server: http event in lifespan",
                        LIFESPAN,
                        List.of(),
                        new HttpDisconnect(),
                        "http.disconnect in state WAITING: not a lifespan receive event"));
    }

    @ParameterizedTest(name = "http: {0}")
    @MethodSource("http")
    void httpTransitions(Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "websocket: {0}")
    @MethodSource("websocket")
    void webSocketTransitions(Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "lifespan: {0}")
    @MethodSource("lifespan")
    void lifespanTransitions(Case c) throws Exception {
        check(c);
    }

    private static void check(Case c) throws Exception {
        ExchangeProtocol protocol = ExchangeProtocol.forScope(c.scope());
        for (Event e : c.history()) {
            apply(protocol, e);
        }
        if (c.outcome().startsWith("-> ")) {
            apply(protocol, c.event());
            assertEquals(c.outcome().substring(3), protocol.stateName());
        } else {
            String before = protocol.stateName();
            AsgiProtocolException e = assertThrows(AsgiProtocolException.class, () -> apply(protocol, c.event()));
            assertEquals(c.outcome(), e.getMessage());
            assertEquals(c.event().asgiType(), e.eventType());
            assertEquals(before, e.state());
            assertEquals(before, protocol.stateName(), "a rejected event leaves the state unchanged");
        }
    }

    static void apply(ExchangeProtocol protocol, Event e) throws ClientDisconnectedException {
        if (e instanceof SendEvent s) {
            protocol.send(s);
        } else {
            protocol.deliver((ReceiveEvent) e);
        }
    }
}

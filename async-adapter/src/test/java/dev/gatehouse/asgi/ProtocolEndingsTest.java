package dev.gatehouse.asgi;

import static dev.gatehouse.asgi.ProtocolTransitionsTest.ACCEPT;
import static dev.gatehouse.asgi.ProtocolTransitionsTest.CONNECT;
import static dev.gatehouse.asgi.ProtocolTransitionsTest.HTTP;
import static dev.gatehouse.asgi.ProtocolTransitionsTest.LAST;
import static dev.gatehouse.asgi.ProtocolTransitionsTest.LIFESPAN;
import static dev.gatehouse.asgi.ProtocolTransitionsTest.MORE;
import static dev.gatehouse.asgi.ProtocolTransitionsTest.START;
import static dev.gatehouse.asgi.ProtocolTransitionsTest.START_T;
import static dev.gatehouse.asgi.ProtocolTransitionsTest.TEXT;
import static dev.gatehouse.asgi.ProtocolTransitionsTest.WS;
import static dev.gatehouse.asgi.ProtocolTransitionsTest.apply;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How exchanges end: sends after disconnect, the final receive event, the application's return. */
class ProtocolEndingsTest {

    record Ending(String name, Scope scope, List<Event> history, String returnMessage) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Ending> endings() {
        return Stream.of(
                new Ending(
                        "http: nothing sent",
                        HTTP,
                        List.of(),
                        "application return in state START: http.response.start was never sent"),
                new Ending(
                        "http: start only",
                        HTTP,
                        List.of(START),
                        "application return in state STARTED: http.response.body was never sent"),
                new Ending(
                        "http: mid-stream",
                        HTTP,
                        List.of(START, MORE),
                        "application return in state STREAMING: the last http.response.body had more_body=true"),
                new Ending(
                        "http: trailers owed",
                        HTTP,
                        List.of(START_T, LAST),
                        "application return in state TRAILERS: the announced http.response.trailers were never sent"),
                new Ending("http: complete", HTTP, List.of(START, LAST), null),
                new Ending("http: client gone", HTTP, List.of(START, MORE, new HttpDisconnect()), null),
                new Ending(
                        "websocket: denial unfinished",
                        WS,
                        List.of(
                                CONNECT,
                                new WebSocketHttpResponseStart(403, List.of()),
                                new WebSocketHttpResponseBody(new byte[1], true)),
                        "application return in state RESPONDING: the denial response's last websocket.http.response.body had more_body=true"),
                new Ending("websocket: returned in handshake (server sends 403)", WS, List.of(CONNECT), null),
                new Ending("websocket: returned while open (server closes)", WS, List.of(CONNECT, ACCEPT), null),
                new Ending(
                        "lifespan: startup unanswered",
                        LIFESPAN,
                        List.of(new LifespanStartup()),
                        "application return in state STARTING: lifespan.startup was never answered"),
                new Ending(
                        "lifespan: shutdown unanswered",
                        LIFESPAN,
                        List.of(new LifespanStartup(), new LifespanStartupComplete(), new LifespanShutdown()),
                        "application return in state STOPPING: lifespan.shutdown was never answered"),
                new Ending("lifespan: unsupported, returned at once", LIFESPAN, List.of(), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endings")
    void applicationReturned(Ending c) throws Exception {
        ExchangeProtocol protocol = ExchangeProtocol.forScope(c.scope());
        for (Event e : c.history()) {
            apply(protocol, e);
        }
        if (c.returnMessage() == null) {
            assertDoesNotThrow(protocol::applicationReturned);
        } else {
            AsgiProtocolException e = assertThrows(AsgiProtocolException.class, protocol::applicationReturned);
            assertEquals(c.returnMessage(), e.getMessage());
        }
    }

    static Stream<SendEvent> httpSends() {
        return Stream.of(START, MORE, LAST, new HttpResponseTrailers(List.of()));
    }

    @ParameterizedTest(name = "http: {0} after disconnect")
    @MethodSource("httpSends")
    void anyHttpSendAfterDisconnectFailsAsDisconnected(SendEvent event) throws Exception {
        HttpProtocol protocol = new HttpProtocol();
        protocol.send(START);
        protocol.deliver(new HttpDisconnect());
        ClientDisconnectedException e = assertThrows(ClientDisconnectedException.class, () -> protocol.send(event));
        assertEquals(event.asgiType() + " after the client disconnected", e.getMessage());
        assertEquals(event.asgiType(), e.eventType());
    }

    @Test
    void webSocketSendAfterDisconnectFailsAsDisconnected() throws Exception {
        WebSocketProtocol protocol = new WebSocketProtocol(List.of());
        protocol.deliver(CONNECT);
        protocol.send(ACCEPT);
        protocol.deliver(new WebSocketDisconnect(1001, "tab closed"));
        assertThrows(ClientDisconnectedException.class, () -> protocol.send(TEXT));
        assertEquals(Optional.of(new WebSocketDisconnect(1001, "tab closed")), protocol.finalEvent());
    }

    @Test
    void httpFinalEventAfterDoneOrDisconnect() throws Exception {
        HttpProtocol protocol = new HttpProtocol();
        assertEquals(Optional.empty(), protocol.finalEvent());
        protocol.send(START);
        assertFalse(protocol.committed(), "start alone may still be replaced by a 500");
        protocol.send(MORE);
        assertTrue(protocol.committed());
        assertEquals(Optional.empty(), protocol.finalEvent());
        protocol.send(LAST);
        assertEquals(Optional.of(new HttpDisconnect()), protocol.finalEvent());
    }

    @Test
    void sendAfterDoneThenDisconnectIsStillAProtocolError() throws Exception {
        HttpProtocol protocol = new HttpProtocol();
        protocol.send(START);
        protocol.send(LAST);
        protocol.deliver(new HttpDisconnect());
        assertEquals(HttpProtocol.State.DONE, protocol.state());
        assertThrows(AsgiProtocolException.class, () -> protocol.send(LAST));
    }
}

package dev.gatehouse.asgi.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.AsgiProtocolException;
import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpDisconnect;
import dev.gatehouse.asgi.HttpRequest;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.LifespanScope;
import dev.gatehouse.asgi.LifespanShutdown;
import dev.gatehouse.asgi.LifespanShutdownComplete;
import dev.gatehouse.asgi.LifespanStartup;
import dev.gatehouse.asgi.LifespanStartupComplete;
import dev.gatehouse.asgi.LifespanStartupFailed;
import dev.gatehouse.asgi.ReceiveEvent;
import dev.gatehouse.asgi.WebSocketAccept;
import dev.gatehouse.asgi.WebSocketClose;
import dev.gatehouse.asgi.WebSocketConnect;
import dev.gatehouse.asgi.WebSocketReceive;
import dev.gatehouse.asgi.WebSocketSend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Round trips through the communicator, with the observable result asserted in full. */
class ApplicationCommunicatorTest {
    static final Duration WAIT = Duration.ofSeconds(2);
    static final Duration BRIEFLY = Duration.ofMillis(100);

    @Test
    void echoReturnsTheRequestBodyAssembledFromChunks() throws Exception {
        ApplicationCommunicator c = ApplicationCommunicator.start(SampleApps.ECHO, Scopes.http("POST", "/echo"));
        c.sendInput(new HttpRequest(bytes("hello "), true));
        assertTrue(c.receiveNothing(BRIEFLY), "no response before the last request chunk");
        c.sendInput(new HttpRequest(bytes("world")));
        HttpCommunicator.Response response = HttpCommunicator.collect(c, WAIT);
        c.waitFor(WAIT);
        assertEquals(
                new HttpCommunicator.Response(
                        200, Header.list("content-type", "application/octet-stream"), bytes("hello world"), List.of()),
                response);
        assertEquals("DONE", c.protocolState());
    }

    @Test
    void streamingAppSendsEveryChunkInOrder() throws Exception {
        ApplicationCommunicator c = ApplicationCommunicator.start(SampleApps.STREAMING, Scopes.http("GET", "/"));
        assertEquals(new HttpResponseStart(200, List.of()), c.receiveOutput(WAIT));
        assertEquals(SampleApps.chunk("a", true), c.receiveOutput(WAIT));
        assertEquals(SampleApps.chunk("b", true), c.receiveOutput(WAIT));
        assertEquals(SampleApps.chunk("c", true), c.receiveOutput(WAIT));
        assertEquals(SampleApps.chunk("", false), c.receiveOutput(WAIT));
        c.waitFor(WAIT);
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> c.receiveOutput(WAIT));
        assertEquals("the application completed; no output after http.response.body (output #5)", e.getMessage());
    }

    @Test
    void bodyBeforeStartFailsTheSendWithTheNamedRule() throws Exception {
        ApplicationCommunicator c =
                ApplicationCommunicator.start(SampleApps.BODY_BEFORE_START, Scopes.http("GET", "/"));
        ApplicationFailedException e = assertThrows(ApplicationFailedException.class, () -> c.waitFor(WAIT));
        AsgiProtocolException cause = assertInstanceOf(AsgiProtocolException.class, e.getCause());
        assertEquals("http.response.body in state START: http.response.start must come first", cause.getMessage());
        assertTrue(c.receiveNothing(Duration.ZERO), "the rejected event never reached the client");
        assertThrows(ApplicationFailedException.class, () -> c.receiveOutput(WAIT));
    }

    @Test
    void pausedOutputHoldsTheSendStageSoTheNextSendWaits() throws Exception {
        ApplicationCommunicator c = start(SampleApps.STREAMING, true);
        assertEquals(new HttpResponseStart(200, List.of()), c.receiveOutput(WAIT));
        assertTrue(c.receiveNothing(BRIEFLY), "the app must wait for its start stage");
        c.resumeOutput();
        HttpCommunicator.Response rest = collectBody(c);
        assertEquals("abc", rest.bodyText());
        c.waitFor(WAIT);
    }

    @Test
    void disconnectWhilePausedFailsTheHeldStage() throws Exception {
        ApplicationCommunicator c = start(SampleApps.STREAMING, true);
        c.receiveOutput(WAIT);
        c.disconnect();
        ApplicationFailedException e = assertThrows(ApplicationFailedException.class, () -> c.waitFor(WAIT));
        ClientDisconnectedException cause = assertInstanceOf(ClientDisconnectedException.class, e.getCause());
        assertEquals("http.response.start after the client disconnected", cause.getMessage());
        assertTrue(c.receiveNothing(BRIEFLY));
    }

    @Test
    void disconnectMidStreamFailsLaterSendsAndRepeatsHttpDisconnect() throws Exception {
        List<ReceiveEvent> seen = new CopyOnWriteArrayList<>();
        List<Throwable> sendFailures = new CopyOnWriteArrayList<>();
        AsgiApplication longPoll = (scope, receive, send) -> send.send(new HttpResponseStart(200, List.of()))
                .thenCompose(v -> send.send(SampleApps.chunk("tick", true)))
                .thenCompose(v -> SampleApps.receiveTwice(receive, seen))
                .thenCompose(v -> send.send(SampleApps.chunk("late", false)))
                .exceptionally(failure -> {
                    sendFailures.add(failure);
                    return null;
                });
        ApplicationCommunicator c = ApplicationCommunicator.start(longPoll, Scopes.http("GET", "/events"));
        c.sendInput(new HttpRequest(new byte[0]));
        c.receiveOutput(WAIT);
        assertEquals(SampleApps.chunk("tick", true), c.receiveOutput(WAIT));
        assertTrue(c.receiveNothing(BRIEFLY), "the app waits in receive()");
        c.disconnect();
        c.waitFor(WAIT);
        assertEquals(List.of(new HttpRequest(new byte[0]), new HttpDisconnect()), seen.subList(0, 2));
        assertEquals(1, sendFailures.size());
        // a dependent stage sees the send's failure wrapped in CompletionException
        assertInstanceOf(ClientDisconnectedException.class, sendFailures.get(0).getCause());
        assertEquals("DISCONNECTED", c.protocolState());
        assertTrue(c.receiveNothing(BRIEFLY), "the late chunk never reached the client");
    }

    @Test
    void receiveAfterTheResponseIsCompleteReturnsHttpDisconnectEveryTime() throws Exception {
        List<ReceiveEvent> seen = new ArrayList<>();
        AsgiApplication app = (scope, receive, send) -> send.send(new HttpResponseStart(204, List.of()))
                .thenCompose(v -> send.send(SampleApps.chunk("", false)))
                .thenCompose(v -> SampleApps.receiveTwice(receive, seen))
                .thenApply(v -> null);
        ApplicationCommunicator c = ApplicationCommunicator.start(app, Scopes.http("GET", "/"));
        c.waitFor(WAIT);
        assertEquals(List.of(new HttpDisconnect(), new HttpDisconnect()), seen);
    }

    @Test
    void timeoutNamesWhatItWaitedFor() {
        AsgiApplication waits = (scope, receive, send) -> receive.receive().thenApply(e -> null);
        ApplicationCommunicator c = ApplicationCommunicator.start(waits, Scopes.http("GET", "/"));
        TimeoutException e = assertThrows(TimeoutException.class, () -> c.receiveOutput(Duration.ofMillis(20)));
        assertEquals(
                "no output within PT0.02S: waited for the send after nothing (no output taken yet);"
                        + " protocol state START, the application is waiting in receive()",
                e.getMessage());
        TimeoutException w = assertThrows(TimeoutException.class, () -> c.waitFor(Duration.ofMillis(20)));
        assertEquals(
                "the application did not complete within PT0.02S; protocol state START,"
                        + " the application is waiting in receive()",
                w.getMessage());
    }

    @Test
    void inputOutOfOrderIsRejectedLikeAServerBug() {
        ApplicationCommunicator c = ApplicationCommunicator.start(SampleApps.ECHO, Scopes.http("GET", "/"));
        AsgiProtocolException e = assertThrows(AsgiProtocolException.class, () -> c.sendInput(new WebSocketConnect()));
        assertEquals("websocket.connect in state START: not an http receive event", e.getMessage());
    }

    @Test
    void returningBeforeTheBodyEndsIsAnApplicationFailure() {
        AsgiApplication quits = (scope, receive, send) -> send.send(new HttpResponseStart(200, List.of()));
        ApplicationCommunicator c = ApplicationCommunicator.start(quits, Scopes.http("GET", "/"));
        ApplicationFailedException e = assertThrows(ApplicationFailedException.class, () -> c.waitFor(WAIT));
        assertEquals(
                "application return in state STARTED: http.response.body was never sent",
                e.getCause().getMessage());
    }

    @Test
    void handleThatThrowsIsAnApplicationFailure() {
        AsgiApplication throwing = (scope, receive, send) -> {
            throw new IllegalArgumentException("boom");
        };
        ApplicationCommunicator c = ApplicationCommunicator.start(throwing, Scopes.http("GET", "/"));
        ApplicationFailedException e = assertThrows(ApplicationFailedException.class, () -> c.waitFor(WAIT));
        assertEquals("boom", e.getCause().getMessage());
    }

    @Test
    void trailersFollowTheBody() throws Exception {
        HttpCommunicator.Response r =
                HttpCommunicator.exchange(SampleApps.TRAILERS, Scopes.http("GET", "/"), new byte[0], WAIT);
        assertEquals(
                new HttpCommunicator.Response(
                        200, Header.list("trailer", "digest"), bytes("data"), Header.list("digest", "sha-256=x")),
                r);
    }

    @Test
    void webSocketEchoesAndClosesWithItsCode() throws Exception {
        ApplicationCommunicator c =
                ApplicationCommunicator.start(SampleApps.WEBSOCKET_ECHO, Scopes.websocket("/ws", "chat"));
        c.sendInput(new WebSocketConnect());
        assertEquals(new WebSocketAccept(), c.receiveOutput(WAIT));
        c.sendInput(WebSocketReceive.ofText("hi"));
        assertEquals(WebSocketSend.ofText("hi"), c.receiveOutput(WAIT));
        c.sendInput(WebSocketReceive.ofBytes(new byte[] {0, 1, 2}));
        WebSocketSend binary = (WebSocketSend) c.receiveOutput(WAIT);
        assertArrayEquals(new byte[] {0, 1, 2}, binary.bytes());
        assertFalse(binary.isText());
        c.sendInput(WebSocketReceive.ofText("close"));
        assertEquals(new WebSocketClose(4001, "done"), c.receiveOutput(WAIT));
        c.waitFor(WAIT);
        assertEquals("CLOSED", c.protocolState());
    }

    @Test
    void lifespanStartupCompletePublishesStateThenShutsDown() throws Exception {
        LifespanScope scope = new LifespanScope();
        ApplicationCommunicator c = ApplicationCommunicator.start(SampleApps.LIFESPAN, scope);
        c.sendInput(new LifespanStartup());
        assertEquals(new LifespanStartupComplete(), c.receiveOutput(WAIT));
        assertEquals("ready", scope.state().get("pool"));
        c.sendInput(new LifespanShutdown());
        assertEquals(new LifespanShutdownComplete(), c.receiveOutput(WAIT));
        c.waitFor(WAIT);
        assertEquals("STOPPED", c.protocolState());
    }

    @Test
    void lifespanStartupFailedCarriesTheMessage() throws Exception {
        LifespanScope scope = new LifespanScope();
        scope.state().put("fail", true);
        ApplicationCommunicator c = ApplicationCommunicator.start(SampleApps.LIFESPAN, scope);
        c.sendInput(new LifespanStartup());
        assertEquals(new LifespanStartupFailed("no database"), c.receiveOutput(WAIT));
        c.waitFor(WAIT);
        assertEquals("STARTUP_FAILED", c.protocolState());
        assertThrows(IllegalStateException.class, c::disconnect);
    }

    @Test
    void applicationOnItsOwnThreadIsAwaited() throws Exception {
        AsgiApplication async = (scope, receive, send) -> CompletableFuture.runAsync(() -> {})
                .thenCompose(v -> SampleApps.STREAMING.handle(scope, receive, send));
        HttpCommunicator.Response r = HttpCommunicator.exchange(async, Scopes.http("GET", "/"), new byte[0], WAIT);
        assertEquals("abc", r.bodyText());
    }

    private static ApplicationCommunicator start(AsgiApplication app, boolean paused) {
        // Pausing before the app runs needs the app to start after pauseOutput: wrap it in a gate.
        CompletableFuture<Void> gate = new CompletableFuture<>();
        AsgiApplication gated = (scope, receive, send) -> gate.thenCompose(v -> app.handle(scope, receive, send));
        ApplicationCommunicator c = ApplicationCommunicator.start(gated, Scopes.http("GET", "/"));
        if (paused) {
            c.pauseOutput();
        }
        gate.complete(null);
        return c;
    }

    private static HttpCommunicator.Response collectBody(ApplicationCommunicator c) throws Exception {
        StringBuilder body = new StringBuilder();
        dev.gatehouse.asgi.HttpResponseBody chunk;
        do {
            chunk = (dev.gatehouse.asgi.HttpResponseBody) c.receiveOutput(WAIT);
            body.append(new String(chunk.body(), StandardCharsets.UTF_8));
        } while (chunk.moreBody());
        return new HttpCommunicator.Response(200, List.of(), bytes(body.toString()), List.of());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package dev.gatehouse.it.asgi;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.LifespanScope;
import dev.gatehouse.asgi.LifespanShutdownComplete;
import dev.gatehouse.asgi.LifespanStartupComplete;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.ReceiveEvent;
import dev.gatehouse.asgi.Send;
import dev.gatehouse.asgi.WebSocketAccept;
import dev.gatehouse.asgi.WebSocketClose;
import dev.gatehouse.asgi.WebSocketDisconnect;
import dev.gatehouse.asgi.WebSocketHttpResponseBody;
import dev.gatehouse.asgi.WebSocketHttpResponseStart;
import dev.gatehouse.asgi.WebSocketReceive;
import dev.gatehouse.asgi.WebSocketScope;
import dev.gatehouse.asgi.WebSocketSend;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The WebSocket applications the conformance contract runs through AsgiServlet. */
public final class WebSocketApps {

    /** The subprotocol {@link #ECHO} picks when the client offers it. */
    public static final String CHAT = "chat.v2";

    /** Each message sent by {@link #flood}: 256 KiB. */
    public static final int FLOOD_MESSAGE = 256 * 1024;

    private WebSocketApps() {}

    /**
     * Accepts (with {@link #CHAT} if offered, and header {@code x-accepted: yes}), echoes every
     * message, each receive after the previous send completed; records the disconnect as "CODE
     * REASON" under {@code TOKEN.disconnect}.
     */
    public static final AsgiApplication ECHO = ws((scope, receive, send) -> {
        String t = Probe.token(scope.queryString());
        String chosen = scope.subprotocols().contains(CHAT) ? CHAT : null;
        return receive.receive()
                .thenCompose(connect -> send.send(new WebSocketAccept(chosen, Header.list("x-accepted", "yes"))))
                .thenCompose(v -> Stages.repeat(() -> receive.receive().thenCompose(event -> {
                    if (event instanceof WebSocketReceive m) {
                        WebSocketSend echo =
                                m.isText() ? WebSocketSend.ofText(m.text()) : WebSocketSend.ofBytes(m.bytes());
                        return send.send(echo).thenApply(x -> true);
                    }
                    WebSocketDisconnect d = (WebSocketDisconnect) event;
                    Probe.record(t + ".disconnect", d.code() + " " + d.reason());
                    return CompletableFuture.completedFuture(false);
                })));
    });

    /** Accepts, says hello, closes with 4001 "bye". */
    public static final AsgiApplication CLOSE = ws((scope, receive, send) -> receive.receive()
            .thenCompose(connect -> send.send(new WebSocketAccept()))
            .thenCompose(v -> send.send(WebSocketSend.ofText("hello")))
            .thenCompose(v -> send.send(new WebSocketClose(4001, "bye"))));

    /** Refuses: websocket.close before accept (403); records the next event under the token. */
    public static final AsgiApplication REFUSE = ws((scope, receive, send) -> receive.receive()
            .thenCompose(connect -> send.send(new WebSocketClose()))
            .thenCompose(v -> receive.receive())
            .thenAccept(event -> Probe.record(Probe.token(scope.queryString()), describe(event))));

    /** Denies with a 418 response in two body chunks. */
    public static final AsgiApplication DENY = ws((scope, receive, send) -> receive.receive()
            .thenCompose(connect -> send.send(new WebSocketHttpResponseStart(
                    418, Header.list("content-type", "text/plain", "x-denied", "teapot"))))
            .thenCompose(v -> send.send(new WebSocketHttpResponseBody(bytes("no sockets "), true)))
            .thenCompose(v -> send.send(new WebSocketHttpResponseBody(bytes("for you\n"), false))));

    /** Accepts, then fails on the first message (the server closes with 1011). */
    public static final AsgiApplication FAIL = ws((scope, receive, send) -> receive.receive()
            .thenCompose(connect -> send.send(new WebSocketAccept()))
            .thenCompose(v -> receive.receive())
            .thenCompose(message -> CompletableFuture.failedFuture(new IllegalStateException("boom"))));

    /** Fails while handling websocket.connect (500). */
    public static final AsgiApplication FAIL_CONNECT = ws((scope, receive, send) ->
            receive.receive().thenCompose(connect -> CompletableFuture.failedFuture(new IllegalStateException("no"))));

    /**
     * Accepts, then sends {@code count} binary messages of {@link #FLOOD_MESSAGE} bytes, each after
     * the previous stage completed: counts the completed sends in {@code TOKEN.sent} and the most
     * sends in flight at once in {@code TOKEN.inflight}; records "done" under the token at the end.
     */
    public static AsgiApplication flood(int count) {
        return ws((scope, receive, send) -> {
            String t = Probe.token(scope.queryString());
            byte[] payload = new byte[FLOOD_MESSAGE];
            int[] left = {count};
            java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
            return receive.receive()
                    .thenCompose(connect -> send.send(new WebSocketAccept()))
                    .thenCompose(v -> Stages.repeat(() -> {
                        if (left[0]-- == 0) {
                            return CompletableFuture.completedFuture(false);
                        }
                        Probe.counter(t + ".inflight").accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        return send.send(WebSocketSend.ofBytes(payload)).thenApply(x -> {
                            inFlight.decrementAndGet();
                            Probe.counter(t + ".sent").incrementAndGet();
                            return true;
                        });
                    }))
                    .thenRun(() -> Probe.record(t, "done"))
                    .thenCompose(v -> receive.receive())
                    .thenAccept(event -> {});
        });
    }

    /**
     * Lifespan puts {@code greeting}; a socket is accepted and told its scope, then closed with
     * 1000.
     */
    public static final AsgiApplication SCOPE = (scope, receive, send) -> {
        if (scope instanceof LifespanScope lifespan) {
            return receive.receive()
                    .thenCompose(startup -> {
                        lifespan.state().put("greeting", "hello from startup");
                        return send.send(new LifespanStartupComplete());
                    })
                    .thenCompose(v -> receive.receive())
                    .thenCompose(shutdown -> send.send(new LifespanShutdownComplete()));
        }
        WebSocketScope ws = (WebSocketScope) scope;
        String text = "type=" + ws.type() + "\nscheme=" + ws.scheme() + "\npath=" + ws.path() + "\nroot_path="
                + ws.rootPath() + "\nquery_string=" + new String(ws.queryString(), StandardCharsets.ISO_8859_1)
                + "\nsubprotocols=" + ws.subprotocols() + "\nclient="
                + ws.client().host() + "\nstate=" + ws.state()
                + "\nx-test="
                + ws.headers().stream()
                        .filter(h -> h.hasName("x-test"))
                        .map(Header::valueString)
                        .toList();
        return receive.receive()
                .thenCompose(connect -> send.send(new WebSocketAccept()))
                .thenCompose(v -> send.send(WebSocketSend.ofText(text)))
                .thenCompose(v -> send.send(new WebSocketClose()));
    };

    interface WsApp {
        CompletionStage<Void> handle(WebSocketScope scope, Receive receive, Send send);
    }

    static AsgiApplication ws(WsApp app) {
        return (scope, receive, send) -> scope instanceof WebSocketScope ws
                ? app.handle(ws, receive, send)
                : CompletableFuture.failedFuture(new IllegalArgumentException("no " + scope.type() + " support"));
    }

    static String describe(ReceiveEvent event) {
        return event instanceof WebSocketDisconnect d ? d.asgiType() + " " + d.code() : event.asgiType();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

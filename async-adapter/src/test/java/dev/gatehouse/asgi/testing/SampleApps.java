package dev.gatehouse.asgi.testing;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpRequest;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpResponseTrailers;
import dev.gatehouse.asgi.LifespanScope;
import dev.gatehouse.asgi.LifespanShutdown;
import dev.gatehouse.asgi.LifespanShutdownComplete;
import dev.gatehouse.asgi.LifespanStartupComplete;
import dev.gatehouse.asgi.LifespanStartupFailed;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.ReceiveEvent;
import dev.gatehouse.asgi.Send;
import dev.gatehouse.asgi.WebSocketAccept;
import dev.gatehouse.asgi.WebSocketClose;
import dev.gatehouse.asgi.WebSocketReceive;
import dev.gatehouse.asgi.WebSocketSend;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Small applications written the way users will write them: stages chained on send and receive. */
final class SampleApps {
    private SampleApps() {}

    /** Reads the whole request body, then answers 200 with it. */
    static final AsgiApplication ECHO = (scope, receive, send) -> readBody(receive, new ByteArrayOutputStream())
            .thenCompose(body -> send.send(
                            new HttpResponseStart(200, Header.list("content-type", "application/octet-stream")))
                    .thenCompose(v -> send.send(new HttpResponseBody(body))));

    /** Answers with the chunks "a", "b", "c" and an empty last chunk, each send chained on the last. */
    static final AsgiApplication STREAMING = (scope, receive, send) -> send.send(new HttpResponseStart(200, List.of()))
            .thenCompose(v -> send.send(chunk("a", true)))
            .thenCompose(v -> send.send(chunk("b", true)))
            .thenCompose(v -> send.send(chunk("c", true)))
            .thenCompose(v -> send.send(chunk("", false)));

    /** The classic mistake: a body before http.response.start. */
    static final AsgiApplication BODY_BEFORE_START = (scope, receive, send) -> send.send(chunk("oops", false));

    /** A body with a digest in the trailers (HTTP Trailers extension). */
    static final AsgiApplication TRAILERS =
            (scope, receive, send) -> send.send(new HttpResponseStart(200, Header.list("trailer", "digest"), true))
                    .thenCompose(v -> send.send(chunk("data", false)))
                    .thenCompose(v -> send.send(new HttpResponseTrailers(Header.list("digest", "sha-256=x"))));

    /** Echoes text and binary messages; "close" closes with 4001 "done". */
    static final AsgiApplication WEBSOCKET_ECHO = (scope, receive, send) -> receive.receive()
            .thenCompose(connect -> send.send(new WebSocketAccept()))
            .thenCompose(v -> echoMessages(receive, send));

    /** Puts a pool into the lifespan state at startup, or fails if asked to via the state. */
    static final AsgiApplication LIFESPAN =
            (scope, receive, send) -> receive.receive().thenCompose(startup -> {
                LifespanScope lifespan = (LifespanScope) scope;
                if (lifespan.state().containsKey("fail")) {
                    return send.send(new LifespanStartupFailed("no database"));
                }
                lifespan.state().put("pool", "ready");
                return send.send(new LifespanStartupComplete())
                        .thenCompose(v -> receive.receive())
                        .thenCompose(shutdown -> shutdown instanceof LifespanShutdown
                                ? send.send(new LifespanShutdownComplete())
                                : CompletableFuture.failedFuture(new IllegalStateException("got " + shutdown)));
            });

    static HttpResponseBody chunk(String text, boolean more) {
        return new HttpResponseBody(text.getBytes(StandardCharsets.UTF_8), more);
    }

    static CompletionStage<byte[]> readBody(Receive receive, ByteArrayOutputStream body) {
        return receive.receive().thenCompose(event -> {
            if (event instanceof HttpRequest request) {
                body.writeBytes(request.body());
                return request.moreBody() ? readBody(receive, body) : completedFuture(body.toByteArray());
            }
            return CompletableFuture.failedFuture(new ClientDisconnectedException(event.asgiType()));
        });
    }

    private static CompletionStage<Void> echoMessages(Receive receive, Send send) {
        return receive.receive().thenCompose(event -> {
            if (!(event instanceof WebSocketReceive message)) {
                return completedFuture(null);
            }
            if ("close".equals(message.text())) {
                return send.send(new WebSocketClose(4001, "done"));
            }
            WebSocketSend reply =
                    message.isText() ? WebSocketSend.ofText(message.text()) : WebSocketSend.ofBytes(message.bytes());
            return send.send(reply).thenCompose(v -> echoMessages(receive, send));
        });
    }

    /** Records what receive returned, for tests of the receive side. */
    static CompletionStage<ReceiveEvent> receiveTwice(Receive receive, List<ReceiveEvent> seen) {
        return receive.receive()
                .thenCompose(first -> {
                    seen.add(first);
                    return receive.receive();
                })
                .thenApply(second -> {
                    seen.add(second);
                    return second;
                });
    }
}

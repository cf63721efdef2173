package dev.gatehouse.boot;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.Loops;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.Scope;
import dev.gatehouse.asgi.Send;
import dev.gatehouse.asgi.WebSocketAccept;
import dev.gatehouse.asgi.WebSocketReceive;
import dev.gatehouse.asgi.WebSocketScope;
import dev.gatehouse.asgi.WebSocketSend;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The async application of the Spring Boot example: over HTTP it answers {@code hello from PATH};
 * over WebSocket it accepts and echoes each message, text as text and bytes as bytes, until the
 * client disconnects. No lifespan: failing that scope tells {@code AsgiServlet} it is not
 * supported.
 */
public final class GreetingApp implements AsgiApplication {

    @Override
    public CompletionStage<Void> handle(Scope scope, Receive receive, Send send) {
        if (scope instanceof HttpScope http) {
            byte[] body = ("hello from " + http.path() + "\n").getBytes(UTF_8);
            return send.send(new HttpResponseStart(200, Header.list("content-type", "text/plain; charset=utf-8")))
                    .thenCompose(v -> send.send(new HttpResponseBody(body)));
        }
        if (scope instanceof WebSocketScope) {
            return receive.receive() // websocket.connect
                    .thenCompose(connect -> send.send(new WebSocketAccept()))
                    .thenCompose(v -> Loops.repeat(() -> receive.receive().thenCompose(event -> {
                        if (event instanceof WebSocketReceive m) {
                            WebSocketSend echo =
                                    m.isText() ? WebSocketSend.ofText(m.text()) : WebSocketSend.ofBytes(m.bytes());
                            return send.send(echo).thenApply(sent -> true);
                        }
                        return CompletableFuture.completedFuture(false); // websocket.disconnect
                    })));
        }
        return CompletableFuture.failedFuture(new IllegalArgumentException("no lifespan"));
    }
}

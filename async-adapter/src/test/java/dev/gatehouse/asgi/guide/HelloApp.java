package dev.gatehouse.asgi.guide;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.Scope;
import dev.gatehouse.asgi.Send;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The README's hello world: the whole of an HTTP application that answers every request. */
public final class HelloApp implements AsgiApplication {
    @Override
    public CompletionStage<Void> handle(Scope scope, Receive receive, Send send) {
        if (!(scope instanceof HttpScope http)) {
            // lifespan: failing says "not supported", AsgiServlet runs without it; a WebSocket gets 500
            return CompletableFuture.failedFuture(new IllegalArgumentException("HTTP only"));
        }
        byte[] body = ("hello from " + http.path() + "\n").getBytes(UTF_8);
        return send.send(new HttpResponseStart(200, Header.list("content-type", "text/plain; charset=utf-8")))
                .thenCompose(v -> send.send(new HttpResponseBody(body))); // the last body: moreBody false
    }
}

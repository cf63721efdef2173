package dev.gatehouse.sample.asgi;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpRequest;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.Loops;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.Scope;
import dev.gatehouse.asgi.Send;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Echo: a POST's body streamed straight back, chunk by chunk, with the request's {@code
 * Content-Type}; a GET shows a small form.
 *
 * <p>This is the smallest streaming application of the contract, and the pattern to copy: each
 * {@code http.request} chunk becomes one {@code http.response.body} chunk, and the next chunk is
 * only received once the send's stage has completed, that is once the client has taken the
 * previous one. A client that uploads fast but reads slowly therefore slows the upload down;
 * neither side's data piles up in memory, whatever the body size.
 */
public final class EchoApp implements AsgiApplication {
    private static final System.Logger LOG = System.getLogger(EchoApp.class.getName());

    private final byte[] page = Responses.resource(EchoApp.class, "echo.html");

    @Override
    public CompletionStage<Void> handle(Scope scope, Receive receive, Send send) {
        if (!(scope instanceof HttpScope http)) {
            return Responses.httpOnly(scope, receive, send);
        }
        return switch (http.method()) {
            case "GET", "HEAD" -> Responses.html(send, page);
            case "POST" -> echo(http, receive, send);
            default -> Responses.methodNotAllowed(send, http.method(), "GET, HEAD, POST");
        };
    }

    private static CompletionStage<Void> echo(HttpScope scope, Receive receive, Send send) {
        String contentType = Responses.header(scope, "content-type");
        long[] echoed = {0};
        HttpResponseStart start = new HttpResponseStart(
                200, Header.list("content-type", contentType != null ? contentType : "application/octet-stream"));
        CompletionStage<Void> exchange = send.send(start)
                .thenCompose(v -> Loops.repeat(() -> receive.receive().thenCompose(event -> {
                    if (!(event instanceof HttpRequest chunk)) {
                        // http.disconnect: the client went away before the end of its body
                        return CompletableFuture.failedFuture(new ClientDisconnectedException(HttpResponseBody.TYPE));
                    }
                    byte[] body = chunk.body();
                    echoed[0] += body.length;
                    return send.send(new HttpResponseBody(body, chunk.moreBody()))
                            .thenApply(sent -> chunk.moreBody());
                })));
        return Responses.endWhenClientGone(
                exchange, () -> LOG.log(Level.INFO, "echo: the client went away after {0} bytes", echoed[0]));
    }
}

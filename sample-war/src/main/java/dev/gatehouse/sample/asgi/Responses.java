package dev.gatehouse.sample.asgi;

import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.LifespanScope;
import dev.gatehouse.asgi.Loops;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.Scope;
import dev.gatehouse.asgi.Send;
import dev.gatehouse.asgi.WebSocketClose;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Small helpers the demo applications share: whole responses, request headers, page resources. */
final class Responses {

    private Responses() {}

    /** A complete response: {@code http.response.start}, then the whole body in one event. */
    static CompletionStage<Void> send(Send send, int status, String contentType, byte[] body) {
        return send.send(new HttpResponseStart(
                        status,
                        Header.list("content-type", contentType, "content-length", Integer.toString(body.length))))
                .thenCompose(v -> send.send(new HttpResponseBody(body)));
    }

    static CompletionStage<Void> text(Send send, int status, String text) {
        return send(send, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    static CompletionStage<Void> json(Send send, int status, String json) {
        return send(send, status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static CompletionStage<Void> html(Send send, byte[] page) {
        return send(send, 200, "text/html; charset=utf-8", page);
    }

    /** 405 with the {@code Allow} header (RFC 9110 §15.5.6). */
    static CompletionStage<Void> methodNotAllowed(Send send, String method, String allow) {
        byte[] body = ("405 " + method + " is not allowed here; use " + allow + "\n").getBytes(StandardCharsets.UTF_8);
        return send.send(new HttpResponseStart(
                        405,
                        Header.list(
                                "content-type",
                                "text/plain; charset=utf-8",
                                "allow",
                                allow,
                                "content-length",
                                Integer.toString(body.length))))
                .thenCompose(v -> send.send(new HttpResponseBody(body)));
    }

    /** The first value of request header {@code name} (lowercase), or null when absent. */
    static String header(HttpScope scope, String name) {
        for (Header header : scope.headers()) {
            if (header.hasName(name)) {
                return header.valueString();
            }
        }
        return null;
    }

    /**
     * {@code exchange}, except that failing because the client went away ({@link
     * ClientDisconnectedException}) counts as a normal end: {@code whenGone} runs (to log it) and
     * the returned stage completes normally. Any other failure is passed on.
     */
    static CompletionStage<Void> endWhenClientGone(CompletionStage<Void> exchange, Runnable whenGone) {
        CompletableFuture<Void> end = new CompletableFuture<>();
        exchange.whenComplete((v, failure) -> {
            if (failure == null) {
                end.complete(null);
            } else if (Loops.unwrap(failure) instanceof ClientDisconnectedException) {
                whenGone.run();
                end.complete(null);
            } else {
                end.completeExceptionally(Loops.unwrap(failure));
            }
        });
        return end;
    }

    /** A resource next to {@code owner}'s class file, read once (the demos' HTML pages). */
    static byte[] resource(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing next to " + owner.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + name, e);
        }
    }

    /**
     * For an application that serves only HTTP: a lifespan scope fails, which the spec's way of
     * saying "no lifespan here" (the server carries on without it); a WebSocket handshake is
     * refused by closing before accept (the server answers 403).
     */
    static CompletionStage<Void> httpOnly(Scope scope, Receive receive, Send send) {
        if (scope instanceof LifespanScope) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("no lifespan in this application"));
        }
        return receive.receive().thenCompose(connect -> send.send(new WebSocketClose()));
    }
}

package dev.gatehouse.it.asgi;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpRequest;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpResponseTrailers;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.LifespanScope;
import dev.gatehouse.asgi.LifespanShutdownComplete;
import dev.gatehouse.asgi.LifespanStartupComplete;
import dev.gatehouse.asgi.LifespanStartupFailed;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.Scope;
import dev.gatehouse.asgi.Send;
import dev.gatehouse.asgi.servlet.RequestTrailers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/** The applications the ASGI contract runs through AsgiServlet, written as users would. */
public final class TestApps {

    private TestApps() {}

    /** Deployed by class name (init-param {@code application}): a public no-argument constructor. */
    public static final class Hello implements AsgiApplication {
        @Override
        public CompletionStage<Void> handle(Scope scope, Receive receive, Send send) {
            if (!(scope instanceof HttpScope)) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("http only"));
            }
            return send.send(new HttpResponseStart(200, Header.list("content-type", "text/plain")))
                    .thenCompose(v -> send.send(new HttpResponseBody(bytes("Hello, ASGI\n"))));
        }
    }

    /**
     * Answers inside {@code handle} with {@code ?size=N} bytes in one final body (default 13), with
     * {@code content-type} given twice: the bridge writes a body small for the response buffer
     * within the dispatch, a larger one on the non-blocking path.
     */
    public static final AsgiApplication SIZED = http((scope, receive, send) -> {
        String query = new String(scope.queryString(), StandardCharsets.ISO_8859_1);
        int size = query.contains("size=") ? Integer.parseInt(query.replaceAll(".*size=(\\d+).*", "$1")) : 13;
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        return send.send(new HttpResponseStart(
                        200, Header.list("content-type", "text/x-first", "content-type", "text/plain")))
                .thenCompose(v -> send.send(new HttpResponseBody(body)));
    });

    /** Answers after {@code handle} returned, from another thread: the request must go async. */
    public static final AsgiApplication LATER = http((scope, receive, send) -> CompletableFuture.runAsync(
                    () -> {}, CompletableFuture.delayedExecutor(20, java.util.concurrent.TimeUnit.MILLISECONDS))
            .thenCompose(v -> send.send(new HttpResponseStart(200, Header.list("content-type", "text/plain"))))
            .thenCompose(v -> send.send(new HttpResponseBody(bytes("later\n")))));

    /** Answers with what the scope says, one {@code key=value} line each; lifespan state included. */
    public static final AsgiApplication SCOPE = http((scope, receive, send) -> {
        String text = "method=" + scope.method() + "\npath=" + scope.path() + "\nroot_path=" + scope.rootPath()
                + "\nquery_string=" + new String(scope.queryString(), StandardCharsets.ISO_8859_1)
                + "\nhttp_version=" + scope.httpVersion() + "\nscheme=" + scope.scheme()
                + "\nx-test="
                + scope.headers().stream()
                        .filter(h -> h.hasName("x-test"))
                        .map(Header::valueString)
                        .toList()
                + "\nclient=" + scope.client().host() + "\nstate=" + scope.state() + "\n";
        return text(send, 200, text);
    });

    /**
     * Streams the request body back chunk by chunk, each receive after the previous send
     * completed; records the largest chunk it held in counter {@code TOKEN.max}.
     */
    public static final AsgiApplication ECHO = http((scope, receive, send) -> {
        AtomicLong max = Probe.counter(Probe.token(scope.queryString()) + ".max");
        return send.send(new HttpResponseStart(200, Header.list("content-type", "application/octet-stream")))
                .thenCompose(v -> Stages.repeat(() -> receive.receive().thenCompose(event -> {
                    HttpRequest chunk = (HttpRequest) event;
                    max.accumulateAndGet(chunk.body().length, Math::max);
                    return send.send(new HttpResponseBody(chunk.body(), chunk.moreBody()))
                            .thenApply(w -> chunk.moreBody());
                })));
    });

    /** Reads the whole body, counting bytes and a CRC32C, and answers {@code bytes crc}. */
    public static final AsgiApplication SINK = http((scope, receive, send) -> {
        AtomicLong max = Probe.counter(Probe.token(scope.queryString()) + ".max");
        CRC32C crc = new CRC32C();
        long[] total = {0};
        return Stages.repeat(() -> receive.receive().thenApply(event -> {
                    HttpRequest chunk = (HttpRequest) event;
                    max.accumulateAndGet(chunk.body().length, Math::max);
                    crc.update(chunk.bodyBuffer());
                    total[0] += chunk.body().length;
                    return chunk.moreBody();
                }))
                .thenCompose(v -> text(send, 200, total[0] + " " + Long.toHexString(crc.getValue())));
    });

    /**
     * {@link #SINK} written the way the ASGI spec reads, from the contract's javadoc alone: each
     * receive composed on the previous one's stage, recursively, with no loop helper. The bridge's
     * stages must keep this from nesting one frame per chunk (a 1 GiB body is 16,384 chunks).
     */
    public static final AsgiApplication NAIVE_SINK = http((scope, receive, send) -> {
        CRC32C crc = new CRC32C();
        long[] total = {0};
        return consume(receive, crc, total)
                .thenCompose(v -> text(send, 200, total[0] + " " + Long.toHexString(crc.getValue())));
    });

    /**
     * {@link #NAIVE_SINK} begun from a thread of the application's own after {@code handle}
     * returned (a timer here): its receives find the exchange idle and are done on that thread.
     */
    public static final AsgiApplication NAIVE_SINK_LATER = http((scope, receive, send) -> later().thenCompose(v -> {
        CRC32C crc = new CRC32C();
        long[] total = {0};
        return consume(receive, crc, total)
                .thenCompose(w -> text(send, 200, total[0] + " " + Long.toHexString(crc.getValue())));
    }));

    private static CompletableFuture<Void> later() {
        return CompletableFuture.runAsync(
                () -> {}, CompletableFuture.delayedExecutor(20, java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    private static CompletionStage<Void> consume(Receive receive, CRC32C crc, long[] total) {
        return receive.receive().thenCompose(event -> {
            HttpRequest chunk = (HttpRequest) event;
            crc.update(chunk.bodyBuffer());
            total[0] += chunk.body().length;
            return chunk.moreBody() ? consume(receive, crc, total) : CompletableFuture.completedFuture(null);
        });
    }

    /**
     * {@link #SOURCE} written the naive recursive way: each send composed on the previous one's
     * stage by a method that calls itself, {@code ?t=N} bytes in 64 KiB chunks, begun from a
     * thread of the application's own (a timer), as a producer fed by other work is.
     */
    public static final AsgiApplication NAIVE_SOURCE = http((scope, receive, send) -> {
        long size = Long.parseLong(Probe.token(scope.queryString()));
        return later().thenCompose(u -> send.send(new HttpResponseStart(
                        200,
                        Header.list("content-type", "application/octet-stream", "content-length", Long.toString(size))))
                .thenCompose(v -> produce(send, 0, size)));
    });

    private static CompletionStage<Void> produce(Send send, long sent, long size) {
        int n = (int) Math.min(Patterns.CHUNK, size - sent);
        boolean more = sent + n < size;
        return send.send(new HttpResponseBody(Patterns.chunk(n), more))
                .thenCompose(v -> more ? produce(send, sent + n, size) : CompletableFuture.completedFuture(null));
    }

    /**
     * Sends {@code TOKEN} bytes ({@code /download?t=N}) of {@link Patterns#chunk} in 64 KiB chunks,
     * each after the previous stage completed; counter {@code N.inflight.max} records the most
     * bytes it had sent whose stage had not completed.
     */
    public static final AsgiApplication SOURCE = http((scope, receive, send) -> {
        String token = Probe.token(scope.queryString());
        long size = Long.parseLong(token);
        AtomicLong inflightMax = Probe.counter(token + ".inflight.max");
        long[] sent = {0};
        return send.send(new HttpResponseStart(
                        200,
                        Header.list("content-type", "application/octet-stream", "content-length", Long.toString(size))))
                .thenCompose(v -> Stages.repeat(() -> {
                    int n = (int) Math.min(Patterns.CHUNK, size - sent[0]);
                    sent[0] += n;
                    inflightMax.accumulateAndGet(n, Math::max);
                    boolean more = sent[0] < size;
                    return send.send(new HttpResponseBody(Patterns.chunk(n), more))
                            .thenApply(w -> more);
                }));
    });

    /**
     * Sends 64 KiB chunks until {@code TOKEN.stop} opens, as fast as its stages complete; counts
     * completed sends in counter {@code TOKEN.sent} and stages still waiting in {@code TOKEN.waiting}.
     */
    public static final AsgiApplication FLOOD = http((scope, receive, send) -> {
        String token = Probe.token(scope.queryString());
        AtomicLong sent = Probe.counter(token + ".sent");
        AtomicLong waiting = Probe.counter(token + ".waiting");
        CompletableFuture<Void> stop = Probe.gate(token + ".stop");
        return send.send(new HttpResponseStart(200, List.of()))
                .thenCompose(v -> Stages.repeat(() -> {
                    boolean more = !stop.isDone();
                    waiting.incrementAndGet();
                    return send.send(new HttpResponseBody(Patterns.chunk(more ? Patterns.CHUNK : 0), more))
                            .thenApply(w -> {
                                waiting.decrementAndGet();
                                sent.incrementAndGet();
                                return more;
                            });
                }));
    });

    /** "first", then waits for gate {@code TOKEN}, then "second" and "third": a streamed body. */
    public static final AsgiApplication GATED_STREAM = http((scope, receive, send) -> {
        String token = Probe.token(scope.queryString());
        return send.send(new HttpResponseStart(200, Header.list("content-type", "text/plain")))
                .thenCompose(v -> send.send(new HttpResponseBody(bytes("first\n"), true)))
                .thenCompose(v -> Probe.gate(token))
                .thenCompose(v -> send.send(new HttpResponseBody(bytes("second\n"), true)))
                .thenCompose(v -> send.send(new HttpResponseBody(bytes("third\n"), false)));
    });

    /** Server-sent events: event {@code i} after gate {@code TOKEN.i} opens, i = 1..3 (0 at once). */
    public static final AsgiApplication EVENTS = http((scope, receive, send) -> {
        String token = Probe.token(scope.queryString());
        CompletableFuture<Void> chain = send.send(new HttpResponseStart(
                        200, Header.list("content-type", "text/event-stream", "cache-control", "no-cache")))
                .toCompletableFuture();
        for (int i = 0; i <= 3; i++) {
            int n = i;
            chain = chain.thenCompose(
                            v -> n == 0 ? CompletableFuture.completedFuture(null) : Probe.gate(token + "." + n))
                    .thenCompose(v ->
                            send.send(new HttpResponseBody(bytes("id: " + n + "\ndata: event " + n + "\n\n"), n < 3)));
        }
        return chain;
    });

    /**
     * Streams small chunks every 20 ms until a send fails; records that failure's class ({@code
     * TOKEN.send}), what a receive pending since the start got ({@code TOKEN.pending}), and how a
     * later send failed ({@code TOKEN.later}).
     */
    public static final AsgiApplication UNTIL_GONE = http((scope, receive, send) -> {
        String token = Probe.token(scope.queryString());
        receive.receive()
                .thenCompose(body -> receive.receive())
                .thenAccept(event -> Probe.record(token + ".pending", event.asgiType()));
        return send.send(new HttpResponseStart(200, List.of()))
                .thenCompose(v -> Stages.repeat(() -> send.send(new HttpResponseBody(bytes("tick\n"), true))
                        .thenCompose(w -> CompletableFuture.supplyAsync(
                                () -> true,
                                CompletableFuture.delayedExecutor(20, java.util.concurrent.TimeUnit.MILLISECONDS)))))
                .handle((v, failure) -> {
                    Probe.record(
                            token + ".send", Stages.unwrap(failure).getClass().getSimpleName());
                    send.send(new HttpResponseBody(bytes("late\n"), true))
                            .whenComplete((w, later) -> Probe.record(
                                    token + ".later",
                                    later == null
                                            ? "accepted"
                                            : later.getClass().getSimpleName()));
                    return null;
                });
    });

    /** Fails before http.response.start. */
    public static final AsgiApplication FAIL_BEFORE_START = http(
            (scope, receive, send) -> CompletableFuture.failedFuture(new IllegalStateException("boom before start")));

    /** Starts, sends one chunk with more_body, then fails. */
    public static final AsgiApplication FAIL_AFTER_START = http(
            (scope, receive, send) -> send.send(new HttpResponseStart(200, Header.list("content-type", "text/plain")))
                    .thenCompose(v -> send.send(new HttpResponseBody(bytes("partial\n"), true)))
                    .thenCompose(v -> CompletableFuture.failedFuture(new IllegalStateException("boom after start"))));

    /** The classic mistake: a body before http.response.start; records the send's failure as {@code TOKEN}. */
    public static final AsgiApplication BODY_BEFORE_START = http((scope, receive, send) -> {
        String token = Probe.token(scope.queryString());
        return send.send(new HttpResponseBody(bytes("oops"), false))
                .whenComplete((v, failure) -> Probe.record(
                        token,
                        failure == null ? "accepted" : Stages.unwrap(failure).toString()));
    });

    /** Sends http.response.start twice, records the second's failure, then finishes properly. */
    public static final AsgiApplication START_TWICE = http((scope, receive, send) -> {
        String token = Probe.token(scope.queryString());
        return send.send(new HttpResponseStart(200, List.of()))
                .thenCompose(
                        v -> send.send(new HttpResponseStart(201, List.of())).handle((w, failure) -> {
                            Probe.record(
                                    token,
                                    failure == null
                                            ? "accepted"
                                            : Stages.unwrap(failure).toString());
                            return null;
                        }))
                .thenCompose(v -> send.send(new HttpResponseBody(bytes("once\n"))));
    });

    /** A body with a checksum in the response trailers (HTTP Trailers extension). */
    public static final AsgiApplication TRAILERS = http((scope, receive, send) -> send.send(new HttpResponseStart(
                    200, Header.list("content-type", "text/plain", "trailer", "x-checksum"), true))
            .thenCompose(v -> send.send(new HttpResponseBody(bytes("data\n"), true)))
            .thenCompose(v -> send.send(new HttpResponseBody(bytes("more\n"), false)))
            .thenCompose(v -> send.send(new HttpResponseTrailers(Header.list("x-checksum", "abc123")))));

    /** Reads the body, answers with its length and the request trailers the bridge exposes. */
    public static final AsgiApplication REQUEST_TRAILERS = http((scope, receive, send) -> {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        return Stages.repeat(() -> receive.receive().thenApply(event -> {
                    body.writeBytes(((HttpRequest) event).body());
                    return ((HttpRequest) event).moreBody();
                }))
                .thenCompose(v -> text(
                        send,
                        200,
                        "body=" + body.size() + "\ntrailers="
                                + (receive instanceof RequestTrailers t
                                        ? t.requestTrailers().toString()
                                        : "unsupported")
                                + "\n"));
    });

    /** Never answers; records what its pending receive gets as {@code TOKEN}. */
    public static final AsgiApplication NEVER = http((scope, receive, send) -> {
        String token = Probe.token(scope.queryString());
        return receive.receive()
                .thenCompose(body -> receive.receive())
                .thenAccept(event -> Probe.record(token, event.asgiType()));
    });

    /**
     * Puts {@code greeting} into the lifespan state at startup, records {@code token} =
     * "lifespan.shutdown" at shutdown; serves {@link #SCOPE}.
     */
    public static AsgiApplication withLifespan(String token) {
        return (scope, receive, send) -> {
            if (scope instanceof LifespanScope lifespan) {
                return receive.receive()
                        .thenCompose(startup -> {
                            lifespan.state().put("greeting", "hello from startup");
                            return send.send(new LifespanStartupComplete());
                        })
                        .thenCompose(v -> receive.receive())
                        .thenCompose(shutdown -> {
                            Probe.record(token, shutdown.asgiType());
                            return send.send(new LifespanShutdownComplete());
                        });
            }
            return SCOPE.handle(scope, receive, send);
        };
    }

    /**
     * Answers lifespan.startup with lifespan.startup.failed "no database"; counts startups in
     * {@code token.startup} and HTTP calls in {@code token.http}.
     */
    public static AsgiApplication failingStartup(String token) {
        return (scope, receive, send) -> {
            if (scope instanceof LifespanScope) {
                return receive.receive().thenCompose(startup -> {
                    Probe.counter(token + ".startup").incrementAndGet();
                    return send.send(new LifespanStartupFailed("no database"));
                });
            }
            Probe.counter(token + ".http").incrementAndGet();
            return SCOPE.handle(scope, receive, send);
        };
    }

    /** An HTTP application: fails the lifespan scope (so the servlet runs without lifespan). */
    interface HttpApp {
        CompletionStage<Void> handle(HttpScope scope, Receive receive, Send send);
    }

    static AsgiApplication http(HttpApp app) {
        return (scope, receive, send) -> scope instanceof HttpScope http
                ? app.handle(http, receive, send)
                : CompletableFuture.failedFuture(new IllegalArgumentException("no " + scope.type() + " support"));
    }

    static CompletionStage<Void> text(Send send, int status, String text) {
        return send.send(new HttpResponseStart(status, Header.list("content-type", "text/plain;charset=utf-8")))
                .thenCompose(v -> send.send(new HttpResponseBody(bytes(text))));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

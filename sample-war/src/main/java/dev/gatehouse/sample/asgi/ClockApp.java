package dev.gatehouse.sample.asgi;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpDisconnect;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.LifespanScope;
import dev.gatehouse.asgi.LifespanShutdownComplete;
import dev.gatehouse.asgi.LifespanStartupComplete;
import dev.gatehouse.asgi.Loops;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.Scope;
import dev.gatehouse.asgi.Send;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A server-sent-events clock (HTML Living Standard, "Server-sent events"): {@code GET ?stream}
 * answers {@code text/event-stream} with one event per second carrying the server's time, {@code
 * id: N} and {@code data: 2025-01-31T12:00:00+01:00}; a plain {@code GET} shows a page that
 * listens with {@code EventSource}.
 *
 * <p>A stream always ends: after {@code count} events ({@code ?stream&count=N}, default 60, at most
 * 600), then with a last {@code event: end} that tells the page to stop (an {@code EventSource}
 * would otherwise reconnect); when the client goes away ({@code http.disconnect}, or a send
 * failing with {@link ClientDisconnectedException}); or when the server stops. Each end is logged
 * with its reason.
 *
 * <p>Lifespan: startup puts one {@link Ticker} (a timer thread) into the shared {@code state},
 * where every stream finds it; shutdown stops it. No thread waits while a stream sleeps.
 */
public final class ClockApp implements AsgiApplication {
    /** The key of the {@link Ticker} in the lifespan state. */
    static final String TICKER = "clock.ticker";

    static final int DEFAULT_COUNT = 60;
    static final int MAX_COUNT = 600;

    private static final System.Logger LOG = System.getLogger(ClockApp.class.getName());

    private final byte[] page = Responses.resource(ClockApp.class, "clock.html");
    private final Duration period;

    /** One event per second. */
    public ClockApp() {
        this(Duration.ofSeconds(1));
    }

    /** One event per {@code period}; tests use a short one. */
    ClockApp(Duration period) {
        this.period = period;
    }

    @Override
    public CompletionStage<Void> handle(Scope scope, Receive receive, Send send) {
        if (scope instanceof LifespanScope lifespan) {
            return lifespan(lifespan, receive, send);
        }
        if (!(scope instanceof HttpScope http)) {
            return Responses.httpOnly(scope, receive, send);
        }
        if (!http.method().equals("GET") && !http.method().equals("HEAD")) {
            return Responses.methodNotAllowed(send, http.method(), "GET, HEAD");
        }
        if (http.method().equals("HEAD") || Query.param(http.queryString(), "stream") == null) {
            return Responses.html(send, page);
        }
        Integer count = Query.intParam(http.queryString(), "count", DEFAULT_COUNT, 1, MAX_COUNT);
        if (count == null) {
            return Responses.text(send, 400, "400 count must be a number from 1 to " + MAX_COUNT + "\n");
        }
        Ticker ticker = (Ticker) http.state().get(TICKER);
        if (ticker == null) {
            LOG.log(Level.ERROR, "clock: no ticker in the lifespan state; did lifespan startup run?");
            return Responses.text(send, 503, "503 the clock is not running\n");
        }
        return stream(receive, send, ticker, count);
    }

    private static CompletionStage<Void> lifespan(LifespanScope scope, Receive receive, Send send) {
        return receive.receive()
                .thenCompose(startup -> {
                    scope.state().put(TICKER, new Ticker());
                    return send.send(new LifespanStartupComplete());
                })
                .thenCompose(v -> receive.receive())
                .thenCompose(shutdown -> {
                    ((Ticker) scope.state().get(TICKER)).stop();
                    return send.send(new LifespanShutdownComplete());
                });
    }

    private CompletionStage<Void> stream(Receive receive, Send send, Ticker ticker, int count) {
        CompletableFuture<Void> gone = disconnected(receive);
        int[] sent = {0};
        String[] reason = {count + " events sent"};
        HttpResponseStart start = new HttpResponseStart(
                200, Header.list("content-type", "text/event-stream; charset=utf-8", "cache-control", "no-cache"));
        CompletionStage<Void> exchange = send.send(start)
                .thenCompose(v -> Loops.repeat(() -> {
                    CompletionStage<Void> wait =
                            sent[0] == 0 ? CompletableFuture.completedFuture(null) : ticker.sleep(period);
                    return wait.thenCompose(woken -> {
                        if (gone.isDone()) {
                            return CompletableFuture.failedFuture(
                                    new ClientDisconnectedException(HttpResponseBody.TYPE));
                        } else if (ticker.isStopped()) {
                            reason[0] = "the server is stopping";
                            return CompletableFuture.completedFuture(false);
                        }
                        sent[0]++;
                        return send.send(event(sent[0])).thenApply(done -> sent[0] < count);
                    });
                }))
                .thenCompose(v -> send.send(chunk("event: end\ndata: " + reason[0] + "\n\n", false)))
                .thenRun(() -> LOG.log(Level.INFO, "clock: stream ended after {0} events: {1}", sent[0], reason[0]));
        return Responses.endWhenClientGone(
                exchange,
                () -> LOG.log(Level.INFO, "clock: stream ended after {0} events: client disconnected", sent[0]));
    }

    /** Event {@code id}: the server's time, to the second. */
    private static HttpResponseBody event(int id) {
        String now = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        return chunk("id: " + id + "\ndata: " + now + "\n\n", true);
    }

    private static HttpResponseBody chunk(String text, boolean more) {
        return new HttpResponseBody(text.getBytes(StandardCharsets.UTF_8), more);
    }

    /**
     * A stage that completes when {@code http.disconnect} arrives. The request body (empty for a
     * GET) is read and dropped first; after it, receive waits until the client goes away or the
     * response is complete, and answers {@code http.disconnect} either way.
     */
    private static CompletableFuture<Void> disconnected(Receive receive) {
        return Loops.repeat(() -> receive.receive().thenApply(event -> !(event instanceof HttpDisconnect)));
    }
}

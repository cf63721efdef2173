package dev.gatehouse.bench;

import dev.gatehouse.it.support.RawHttp;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop HTTP load: {@code connections} threads, each on one kept-alive HTTP/1.1
 * connection (plain sockets, {@link RawHttp}), sending GETs to its targets in turn and telling a
 * {@link Sink} the outcome of each, with its start and end time. Bounded in time (until
 * {@code duration} has passed or {@link #close()}) and in count ({@code maxRequests} in all).
 *
 * <p>A connection is opened again after an error or a {@code Connection: close}. A GET that
 * fails on a reused connection before any byte of the response is sent once more on a new one,
 * as browsers and HTTP clients do for a connection the server had just closed; such retries are
 * counted ({@link #retries()}), and a second failure is reported.
 */
final class LoadLoop implements AutoCloseable {

    /**
     * Where one request goes; {@code body}, when not null, is what a 200 must carry. A target
     * made with {@link #token} gets {@code ?t=N} with an N unique to the request and must answer
     * {@code N\n}: a response given to the wrong request is then a failure.
     */
    record Target(String tag, URI uri, String body, boolean echoesToken) {

        Target(String tag, URI uri, String body) {
            this(tag, uri, body, false);
        }

        static Target token(String tag, URI uri) {
            return new Target(tag, uri, null, true);
        }
    }

    /** The outcome of one request: {@code status} is 0 for an I/O error, -1 for a wrong body. */
    interface Sink {
        void record(String tag, long startNanos, long endNanos, int status, String error);
    }

    private final List<Target> targets;
    private final Duration requestTimeout;
    private final Sink sink;
    private final long maxRequests;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong();
    private volatile boolean stopped;
    private long deadline;

    LoadLoop(List<Target> targets, Duration requestTimeout, Sink sink, long maxRequests) {
        this.targets = List.copyOf(targets);
        this.requestTimeout = requestTimeout;
        this.sink = sink;
        this.maxRequests = maxRequests;
    }

    /** Starts {@code connections} threads that run for {@code duration}. */
    LoadLoop start(int connections, Duration duration) {
        deadline = System.nanoTime() + duration.toNanos();
        for (int i = 0; i < connections; i++) {
            int first = i;
            Thread t = new Thread(() -> loop(first), "fault-load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    long retries() {
        return retries.get();
    }

    /** Waits for the threads to finish on their own (the duration has passed). */
    void await() throws InterruptedException {
        for (Thread t : threads) {
            t.join(requestTimeout.toMillis() + Math.max(0, (deadline - System.nanoTime()) / 1_000_000) + 5_000);
        }
    }

    /** Stops the threads after their current request, and waits for them. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Thread t : threads) {
            t.join(requestTimeout.toMillis() + 5_000);
        }
    }

    private boolean going() {
        return !stopped && System.nanoTime() < deadline && sent.incrementAndGet() <= maxRequests;
    }

    private void loop(int first) {
        RawHttp http = null;
        int next = first;
        try {
            while (going()) {
                Target target = targets.get(next++ % targets.size());
                long start = System.nanoTime();
                boolean reused = http != null;
                try {
                    if (http == null) {
                        http = RawHttp.connect(target.uri(), requestTimeout);
                    }
                    String token = target.echoesToken() ? Long.toString(tokens.incrementAndGet()) : null;
                    Exchange e;
                    try {
                        e = exchange(http, target, token);
                    } catch (EOFException | java.net.SocketException closedBeforeAnswer) {
                        if (!reused
                                || closedBeforeAnswer.getMessage() == null
                                || !isBeforeStatusLine(closedBeforeAnswer)) {
                            throw closedBeforeAnswer;
                        }
                        retries.incrementAndGet();
                        close(http);
                        http = RawHttp.connect(target.uri(), requestTimeout);
                        e = exchange(http, target, token);
                    }
                    int status = e.status;
                    String error = null;
                    String expected = token != null ? token + "\n" : target.body();
                    if (status == 200 && expected != null && !expected.equals(e.body)) {
                        status = -1;
                        error = "body '" + e.body.strip() + "', expected '" + expected.strip() + "'";
                    }
                    sink.record(target.tag(), start, System.nanoTime(), status, error);
                    if (e.close) {
                        close(http);
                        http = null;
                    }
                } catch (IOException | RuntimeException ex) {
                    sink.record(target.tag(), start, System.nanoTime(), 0, ex.toString());
                    close(http);
                    http = null;
                    sleep(10); // a refused connection fails at once: do not spin
                }
            }
        } finally {
            close(http);
        }
    }

    private static boolean isBeforeStatusLine(IOException e) {
        return e.getMessage().contains("before a status line")
                || e.getMessage().contains("Connection reset")
                || e.getMessage().contains("Broken pipe");
    }

    private record Exchange(int status, String body, boolean close) {}

    private static Exchange exchange(RawHttp http, Target target, String token) throws IOException {
        URI u = target.uri();
        String path =
                u.getRawPath() + (token != null ? "?t=" + token : u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        http.write(("GET " + path + " HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort() + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        RawHttp.Head head = http.readHead();
        boolean sized = head.header("Content-Length") != null || head.header("Transfer-Encoding") != null;
        byte[] body = http.body(head).readAllBytes();
        String connection = head.header("Connection");
        boolean close = !sized || (connection != null && connection.equalsIgnoreCase("close"));
        return new Exchange(head.status(), new String(body, StandardCharsets.UTF_8), close);
    }

    private static void close(RawHttp http) {
        if (http != null) {
            try {
                http.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A sink that keeps every outcome, up to {@code cap} of them (then counts the rest only). */
    static final class Timeline implements Sink {
        record Result(String tag, long start, long end, int status, String error) {}

        private final Result[] results;
        private final AtomicLong count = new AtomicLong();

        Timeline(int cap) {
            this.results = new Result[cap];
        }

        @Override
        public void record(String tag, long startNanos, long endNanos, int status, String error) {
            long i = count.getAndIncrement();
            if (i < results.length) {
                results[(int) i] = new Result(tag, startNanos, endNanos, status, error);
            }
        }

        /** The outcomes kept, by start time. */
        List<Result> results() {
            int n = (int) Math.min(count.get(), results.length);
            Result[] copy = Arrays.copyOf(results, n);
            Arrays.sort(copy, (a, b) -> Long.compare(a.start(), b.start()));
            return Arrays.stream(copy).filter(r -> r != null).toList();
        }

        long dropped() {
            return Math.max(0, count.get() - results.length);
        }
    }
}

package dev.gatehouse.bench;

import dev.gatehouse.servlet.metrics.GatewayMetrics;
import dev.gatehouse.servlet.metrics.RequestTally;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the metrics cost a request, in nanoseconds of one thread's time: the calls every bridge
 * makes for one request ({@link RequestTally#begin}, body bytes in, two writes out, {@link
 * RequestTally#end} with its histogram), and the same with the four more counters the CGI servlet
 * and a FastCGI backend keep, on one thread and on as many threads as there are cores, all on one
 * servlet's figures (the contended case). Compare the result with a bridge's CPU per request, which
 * {@code bench/asgi.sh}, {@code bench/fastcgi.sh} and {@code bench/cgi.sh} print: the ratio is the
 * share of a request's work that the metrics are.
 *
 * <p>Not a test: run it with {@code bench/metrics.sh [rounds=N] [duration=Ns]}.
 */
public final class MetricsCostBenchmark {

    private MetricsCostBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = 5;
        long durationMillis = 2_000;
        for (String arg : args) {
            if (arg.startsWith("rounds=")) {
                rounds = Integer.parseInt(arg.substring(7));
            } else if (arg.startsWith("duration=") && arg.endsWith("s")) {
                durationMillis = Long.parseLong(arg.substring(9, arg.length() - 1)) * 1000;
            } else {
                System.err.println("usage: bench/metrics.sh [rounds=5] [duration=2s]");
                System.exit(2);
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                Locale.ROOT,
                "metrics cost per request, ns of one thread (median of %d rounds of %d ms)%n",
                rounds,
                durationMillis);
        for (boolean extras : new boolean[] {false, true}) {
            for (int threads : new int[] {1, cores}) {
                run(threads, extras, durationMillis); // warm-up
                double[] ns = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ns[r] = run(threads, extras, durationMillis);
                }
                Arrays.sort(ns);
                System.out.printf(
                        Locale.ROOT,
                        "%-34s threads=%d  %6.1f ns   (rounds %s)%n",
                        extras ? "common + 4 counters (CGI, FastCGI)" : "common (every bridge)",
                        threads,
                        ns[rounds / 2],
                        format(ns));
            }
        }
    }

    /** One round: each thread runs requests until the time is up; ns per request per thread. */
    private static double run(int threads, boolean extras, long durationMillis) throws InterruptedException {
        GatewayMetrics metrics = new GatewayMetrics();
        LongAdder[] more = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
        CountDownLatch start = new CountDownLatch(1);
        long[] done = new long[threads];
        long[] spent = new long[threads];
        List<Thread> workers = new ArrayList<>();
        long stopAt = System.nanoTime() + durationMillis * 1_000_000L;
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long begun = System.nanoTime();
                long n = 0;
                long now = begun;
                while (now < stopAt) {
                    for (int i = 0; i < 1_000; i++) {
                        RequestTally tally = RequestTally.begin(metrics);
                        metrics.bytesIn(512);
                        metrics.bytesOut(8_192);
                        metrics.bytesOut(13);
                        if (extras) {
                            more[0].increment();
                            more[1].increment();
                            more[2].decrement();
                            more[3].increment();
                        }
                        tally.end(200);
                    }
                    n += 1_000;
                    now = System.nanoTime();
                }
                done[index] = n;
                spent[index] = now - begun;
            });
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        double sum = 0;
        for (int t = 0; t < threads; t++) {
            sum += (double) spent[t] / done[t];
        }
        if (metrics.requests() != metrics.responses(2) || metrics.active() != 0) {
            throw new IllegalStateException("the figures do not add up: " + metrics.requests());
        }
        return sum / threads;
    }

    private static String format(double[] ns) {
        StringBuilder out = new StringBuilder();
        for (double v : ns) {
            out.append(out.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", v));
        }
        return out.toString();
    }
}

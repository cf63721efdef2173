package dev.gatehouse.bench;

import dev.gatehouse.it.support.RawHttp;
import dev.gatehouse.it.support.ServletContainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many CGI scripts hang at once (issue 10, item 8): for each count in {@code hungCounts}, that
 * many clients send a request to a script that sleeps forever (a shell whose child sleeps), all
 * at the same moment, to a CgiServlet with {@code timeout} = {@code hungTimeout} and enough slots
 * for all of them ({@code maxConcurrent} = the largest count, so nothing queues). Each client
 * measures the time from its request to the head of its answer.
 *
 * <p>Printed: the outcomes and the distribution of that time (min, median, p99, max). Checked:
 * every client got 504; none before the timeout; the last within the timeout +
 * {@code hungSlack} (timeouts fire on time, however many fall due at once); no script or
 * child left once the container stopped.
 */
final class HungFault {

    private HungFault() {}

    static void run(FaultRun run) throws Exception {
        Duration timeout = BenchSettings.duration(run.settings().apply("hungTimeout"), "hungTimeout");
        Duration slack = BenchSettings.duration(run.settings().apply("hungSlack"), "hungSlack");
        int[] counts = Arrays.stream(run.settings().apply("hungCounts").split(","))
                .map(String::strip)
                .mapToInt(Integer::parseInt)
                .toArray();
        int most = Arrays.stream(counts).max().orElseThrow();
        Path www = FaultApps.write(run.work());
        Path hung = www.resolve("cgi/hung.sh");
        // the child's command line names the script, so that a scan of /proc finds what is left
        Files.writeString(hung, "#!/bin/sh\nsh -c 'sleep 3600; :' \"$0\"\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(hung, PosixFilePermissions.fromString("rwxr-xr-x"));
        Instant began = Instant.now();
        LeakCheck leaks = LeakCheck.before();
        ServletContainer c = FaultApps.start(
                run.kind(),
                www,
                FaultApps.cgi(
                        www,
                        Map.of(
                                "timeout",
                                timeout.toMillis() + "ms",
                                "maxConcurrent",
                                Integer.toString(most),
                                "maxQueued",
                                "0")));
        try {
            FaultApps.expect(c.uri("cgi-bin/hello.sh"), FaultApps.CGI_HELLO);
            for (int count : counts) {
                once(run, c, count, timeout, slack);
            }
        } finally {
            c.close();
        }
        leaks.after(run, List.of(), List.of(), List.of(hung.toString()), 8, 16);
        Kill9Fault.cleanUp(run, List.of(), List.of(), began);
    }

    /** {@code count} hung requests at once; one line of figures and the checks. */
    private static void once(FaultRun run, ServletContainer c, int count, Duration timeout, Duration slack)
            throws Exception {
        byte[] request = ("GET /cgi-bin/hung.sh HTTP/1.1\r\nHost: 127.0.0.1:"
                        + c.base().getPort() + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Duration wait = timeout.plus(slack).plusSeconds(30);
        // connected first, then all sent at once: the time measured is the gateway's, not the accept queue's
        List<RawHttp> clients = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(count);
        try {
            for (int i = 0; i < count; i++) {
                clients.add(RawHttp.connect(c.base(), wait));
            }
            long before = ProcessHandle.current().descendants().count();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Result>> futures = new ArrayList<>();
            for (RawHttp client : clients) {
                futures.add(threads.submit(() -> {
                    go.await();
                    long sent = System.nanoTime();
                    try {
                        client.write(request);
                        RawHttp.Head head = client.readHead();
                        return new Result(Integer.toString(head.status()), System.nanoTime() - sent);
                    } catch (IOException e) {
                        return new Result("failed: " + e.getMessage(), System.nanoTime() - sent);
                    }
                }));
            }
            long sent = System.nanoTime();
            go.countDown();
            long allRunning = awaitRunning(before, count, sent + timeout.toNanos());
            run.say(
                    "%d scripts running %s after the requests were sent",
                    count, allRunning < 0 ? "not all, " + timeout.toMillis() + " ms" : FaultRun.ms(allRunning - sent));
            List<Result> results = new ArrayList<>();
            for (Future<Result> f : futures) {
                results.add(f.get(wait.toMillis() + 5_000, TimeUnit.MILLISECONDS));
            }
            report(run, count, timeout, slack, results);
        } finally {
            for (RawHttp client : clients) {
                client.close();
            }
            threads.shutdownNow();
        }
    }

    /**
     * When the {@code count} scripts and their children and sleeps (three processes each) all
     * run, polled every 200 ms with one scan of this JVM's descendants: a request's timeout
     * counts from its script's start, so a late start is told apart from a late timeout. -1 if
     * not all by {@code until}.
     */
    private static long awaitRunning(long before, int count, long until) throws InterruptedException {
        while (System.nanoTime() < until) {
            if (ProcessHandle.current().descendants().count() - before >= 3L * count) {
                return System.nanoTime();
            }
            Thread.sleep(200);
        }
        return -1;
    }

    private record Result(String outcome, long nanos) {}

    private static void report(FaultRun run, int count, Duration timeout, Duration slack, List<Result> results) {
        long answered504 =
                results.stream().filter(r -> r.outcome().equals("504")).count();
        List<String> others = results.stream()
                .map(Result::outcome)
                .filter(o -> !o.equals("504"))
                .distinct()
                .limit(3)
                .toList();
        long[] times = results.stream().mapToLong(Result::nanos).sorted().toArray();
        long min = times[0];
        long median = times[times.length / 2];
        long p99 = times[Math.min(times.length - 1, (int) Math.ceil(times.length * 0.99) - 1)];
        long max = times[times.length - 1];
        run.say(
                "%d hung at once, timeout %d ms: 504 for %d; time to the answer min %s, median %s, p99 %s, max %s",
                count,
                timeout.toMillis(),
                answered504,
                FaultRun.ms(min),
                FaultRun.ms(median),
                FaultRun.ms(p99),
                FaultRun.ms(max));
        run.check(
                count + " hung: all 504",
                answered504 == count,
                "%d of %d%s",
                answered504,
                count,
                others.isEmpty() ? "" : "; others: " + others);
        run.check(
                count + " hung: none early",
                min >= timeout.toNanos() - 50_000_000L,
                "first after %s (timeout %d ms)",
                FaultRun.ms(min),
                timeout.toMillis());
        run.check(
                count + " hung: on time",
                max <= timeout.plus(slack).toNanos(),
                "last after %s (%s late; allowed: the timeout + %d ms)",
                FaultRun.ms(max),
                String.format(Locale.ROOT, "%.0f ms", (max - timeout.toNanos()) / 1e6),
                slack.toMillis());
    }
}

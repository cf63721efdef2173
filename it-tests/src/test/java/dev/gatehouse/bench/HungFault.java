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
 * measures the time from its request to the head of its answer; each script writes the moment it
 * started to a file named by its query string, so that each answer's lateness is also measured
 * against its own script's timeout (start + {@code hungTimeout}).
 *
 * <p>Why both: a timeout counts from its script's start, and on a loaded machine hundreds of
 * scripts start over seconds, so the time from the request mixes a late start with a late
 * timeout. The lateness past the script's own deadline is what item 8 is about.
 *
 * <p>Printed: the outcomes and the distributions (min, median, p99, max) of both. Checked: every
 * client got 504; none before its timeout; the last within its script's deadline +
 * {@code hungSlack} (timeouts fire on time, however many fall due at once); no script or child
 * left once the container stopped.
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
        Path starts = Files.createDirectories(run.work().resolve("hung-starts"));
        // the start in ns since the epoch, in a file named by the query string; the child's
        // command line names the script, so that a scan of /proc finds what is left
        Files.writeString(
                hung,
                "#!/bin/sh\ndate +%s%N > '" + starts + "'/\"$QUERY_STRING\"\nsh -c 'sleep 3600; :' \"$0\"\n",
                StandardCharsets.US_ASCII);
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
                once(run, c, count, timeout, slack, starts);
            }
        } finally {
            c.close();
        }
        leaks.after(run, List.of(), List.of(), List.of(hung.toString()), 8, 16);
        Kill9Fault.cleanUp(run, List.of(), List.of(), began);
    }

    /** {@code count} hung requests at once; one line of figures and the checks. */
    private static void once(FaultRun run, ServletContainer c, int count, Duration timeout, Duration slack, Path starts)
            throws Exception {
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
            for (int i = 0; i < count; i++) {
                RawHttp client = clients.get(i);
                String id = count + "-" + i;
                byte[] request = ("GET /cgi-bin/hung.sh?" + id + " HTTP/1.1\r\nHost: 127.0.0.1:"
                                + c.base().getPort() + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                futures.add(threads.submit(() -> {
                    go.await();
                    long sent = System.nanoTime();
                    String outcome;
                    try {
                        client.write(request);
                        outcome = Integer.toString(client.readHead().status());
                    } catch (IOException e) {
                        outcome = "failed: " + e.getMessage();
                    }
                    long took = System.nanoTime() - sent;
                    return new Result(outcome, took, late(starts.resolve(id), Instant.now(), timeout));
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

    /**
     * How long after its script's own deadline (start + timeout) an answer came; {@link
     * Long#MIN_VALUE} when the script never wrote its start.
     */
    private static long late(Path start, Instant answered, Duration timeout) {
        try {
            long startNanos = Long.parseLong(
                    Files.readString(start, StandardCharsets.US_ASCII).strip());
            long answeredNanos = answered.getEpochSecond() * 1_000_000_000L + answered.getNano();
            return answeredNanos - startNanos - timeout.toNanos();
        } catch (IOException | NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    private static String signedMs(long nanos) {
        return String.format(Locale.ROOT, "%+.0f ms", nanos / 1e6);
    }

    private record Result(String outcome, long nanos, long lateNanos) {}

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
        long[] late = results.stream()
                .mapToLong(Result::lateNanos)
                .filter(n -> n != Long.MIN_VALUE)
                .sorted()
                .toArray();
        if (late.length > 0) {
            run.say(
                    "%d hung: lateness past each script's own deadline (start + %d ms) for %d: min %s, median %s, p99 %s, max %s",
                    count,
                    timeout.toMillis(),
                    late.length,
                    signedMs(late[0]),
                    signedMs(late[late.length / 2]),
                    signedMs(late[Math.min(late.length - 1, (int) Math.ceil(late.length * 0.99) - 1)]),
                    signedMs(late[late.length - 1]));
        }
        run.check(count + " hung: every script wrote its start", late.length == count, "%d of %d", late.length, count);
        long latest = late.length > 0 ? late[late.length - 1] : Long.MAX_VALUE;
        run.check(
                count + " hung: on time",
                latest <= slack.toNanos(),
                "latest %s past its script's deadline (allowed: %d ms); from the request, the last after %s",
                late.length > 0 ? signedMs(latest) : "?",
                slack.toMillis(),
                FaultRun.ms(max));
    }
}

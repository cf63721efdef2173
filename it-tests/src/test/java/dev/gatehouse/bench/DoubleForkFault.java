package dev.gatehouse.bench;

import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.RawHttp;
import dev.gatehouse.it.support.ServletContainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A CGI script ({@code processGroup=true}, {@code timeout} = {@code cgiTimeout}) that
 * double-forks: its grandchild is orphaned at once, keeps the script's stdout open and sleeps
 * 120 s; the script exits. The response cannot end before the timeout, since stdout stays open.
 * Checked: the request ends with 504 (or an aborted response) within the timeout + 2 s, not
 * before it; the script's process group, the child's pid and any process whose command line
 * names the script are gone.
 */
final class DoubleForkFault {

    private DoubleForkFault() {}

    static void run(FaultRun run) throws Exception {
        Duration timeout = BenchSettings.duration(run.settings().apply("cgiTimeout"), "cgiTimeout");
        Path www = FaultApps.write(run.work());
        Instant began = Instant.now();
        LeakCheck leaks = LeakCheck.before();
        List<Long> pgids = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        String marker = www.resolve("cgi/doublefork.sh").toString();
        ServletContainer c = FaultApps.start(
                run.kind(),
                www,
                FaultApps.cgi(www, Map.of("processGroup", "true", "timeout", timeout.toMillis() + "ms")));
        try {
            FaultApps.expect(c.uri("cgi-bin/hello.sh"), FaultApps.CGI_HELLO);
            long start = System.nanoTime();
            String outcome;
            try (RawHttp http = RawHttp.connect(c.base(), timeout.plus(Duration.ofSeconds(30)))) {
                http.write(("GET /cgi-bin/doublefork.sh HTTP/1.1\r\nHost: 127.0.0.1:"
                                + c.base().getPort() + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                try {
                    RawHttp.Head head = http.readHead();
                    byte[] body = http.body(head).readAllBytes();
                    outcome = Integer.toString(head.status());
                    run.say("answer: %s, %d body bytes", head.statusLine(), body.length);
                } catch (IOException aborted) {
                    outcome = "aborted";
                    run.say("answer: aborted (%s)", aborted.getMessage());
                }
            }
            long elapsed = System.nanoTime() - start;
            long scriptPid =
                    Long.parseLong(Processes.awaitFile(run.work().resolve("script.pid"), Duration.ofSeconds(1)));
            long childPid = Long.parseLong(Processes.awaitFile(run.work().resolve("child.pid"), Duration.ofSeconds(1)));
            pgids.add(scriptPid); // the script leads its own group
            pids.add(scriptPid);
            pids.add(childPid);
            run.say("script %d (its process group), orphaned child %d", scriptPid, childPid);
            boolean inTime = elapsed >= timeout.toNanos() - 100_000_000L
                    && elapsed <= timeout.plusSeconds(2).toNanos();
            run.check(
                    "ends at the timeout",
                    (outcome.equals("504") || outcome.equals("aborted")) && inTime,
                    "%s after %s (timeout %d ms; expected 504 or aborted within the timeout + 2 s)",
                    outcome,
                    FaultRun.ms(elapsed),
                    timeout.toMillis());
            List<Long> left = Processes.awaitGone(List.of(scriptPid, childPid), Duration.ofSeconds(5));
            run.check(
                    "script and child gone",
                    left.isEmpty(),
                    "5 s after the answer still running: %s",
                    left.isEmpty() ? "none" : left);
        } finally {
            c.close();
        }
        leaks.after(run, pgids, pids, List.of(marker), 4, 8);
        Kill9Fault.cleanUp(run, pgids, pids, began);
    }
}

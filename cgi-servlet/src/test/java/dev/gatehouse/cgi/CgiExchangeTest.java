package dev.gatehouse.cgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.cgi.mapping.ResolvedScript;
import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.cgi.meta.ScriptLocation;
import dev.gatehouse.servlet.Abort;
import dev.gatehouse.servlet.SpoolBudget;
import dev.gatehouse.servlet.cgi.CgiRequests;
import dev.gatehouse.servlet.metrics.GatewayMetrics;
import dev.gatehouse.servlet.metrics.RequestTally;
import dev.gatehouse.servlet.process.ChildProcess;
import dev.gatehouse.servlet.process.StderrPump;
import dev.gatehouse.servlet.testing.ClientGone;
import dev.gatehouse.servlet.testing.Conditions;
import dev.gatehouse.servlet.testing.FakeAsyncContext;
import dev.gatehouse.servlet.testing.FakeOutputStream;
import dev.gatehouse.servlet.testing.FakeRequest;
import dev.gatehouse.servlet.testing.FakeResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CgiExchange} without a container: real {@code sh} scripts started the real way, the
 * servlet API the fakes of servlet-support's test-jar, the test playing the container (it makes
 * the output ready, reports errors). Pinned: backpressure (nothing more reaches the client while
 * it is not ready, however much the script wrote; then the rest in order), a client that goes
 * away (counted as a client abort, the script's process tree killed), a failure after the head
 * went out (aborted by a dispatch, never completed), and {@link CgiExchange#fail}'s table of
 * failures and statuses.
 */
class CgiExchangeTest {

    @TempDir
    Path dir;

    private final FakeRequest request = new FakeRequest().uri("/cgi-bin/test.sh");
    private final FakeResponse response = request.fakeResponse();
    private final FakeOutputStream out = response.out().firstCallOnAThread(true);

    private final ManualTimer timer = new ManualTimer();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ExecutorService killer = CgiRuntime.killerPool(2, Thread::new);
    private final StderrPump stderr = new StderrPump("cgi-exchange-test-stderr");
    private final Set<ChildProcess> running = ConcurrentHashMap.newKeySet();
    /** The descendants of each script seen while it ran: all must be gone at the end. */
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();

    private CgiRuntime runtime;
    private FakeAsyncContext async;

    @AfterEach
    void stop() {
        running.forEach(ChildProcess::killTree);
        timer.shutdownNow();
        killer.shutdownNow();
        executor.shutdownNow();
        stderr.close();
    }

    /** Starts an exchange for a script with {@code body} as its text, under init-params {@code params}. */
    private CgiExchange run(String body, Map<String, String> params) throws IOException {
        return run(script(body), params);
    }

    private CgiExchange run(ResolvedScript script, Map<String, String> params) throws IOException {
        CgiExchange exchange = exchange(script, params);
        exchange.begin();
        return exchange;
    }

    private ResolvedScript script(String body) throws IOException {
        Path script = dir.resolve("test.sh");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        return new ResolvedScript(script, "/test.sh", "", List.of("/bin/sh", script.toString()));
    }

    /** An exchange for {@code script}, taking over the fake request, not yet begun. */
    private CgiExchange exchange(ResolvedScript script, Map<String, String> params) {
        Map<String, String> all = new HashMap<>(Map.of("passEnv", "PATH"));
        all.putAll(params);
        CgiConfig config = CgiConfig.parse(all::get);
        ScriptGate gate = new ScriptGate(config.maxConcurrent(), config.maxQueued(), config.queueTimeout(), timer);
        runtime = new CgiRuntime(
                config,
                new MetaVariablePolicy("Gatehouse-test", false, config.passEnv(), Map.of()),
                executor,
                timer,
                killer,
                gate,
                dir,
                null,
                running,
                ConcurrentHashMap.newKeySet(),
                stderr,
                new SpoolBudget(1 << 20, 1 << 20, 4),
                new CgiMetrics(gate::queued, running::size));
        CgiRequestWrapper wrapper = new CgiRequestWrapper(request.request());
        async = (FakeAsyncContext) request.request().startAsync(wrapper, response.response());
        CgiExchange exchange = new CgiExchange(
                runtime,
                async,
                wrapper,
                CgiRequests.from(request.request()),
                script,
                new ScriptLocation("/cgi-bin/test.sh", "", null, script.file().toString(), null),
                RequestTally.begin(runtime.metrics().requests));
        async.addListener(exchange.guard());
        return exchange;
    }

    private GatewayMetrics requests() {
        return runtime.metrics().requests;
    }

    /** Until the script runs, noting its process tree. */
    private ChildProcess awaitRunning() {
        Conditions.await("the script runs", () -> !running.isEmpty());
        ChildProcess p = running.iterator().next();
        ProcessHandle.of(p.pid()).ifPresent(h -> {
            seen.add(h);
            h.descendants().forEach(seen::add);
        });
        return p;
    }

    /** Until the script has started its child ({@code sleep}), noting it: the kill must reach it too. */
    private void awaitChild(ChildProcess p) {
        Conditions.await("the script's child runs", () -> ProcessHandle.of(p.pid())
                .map(h -> h.descendants().findAny().isPresent())
                .orElse(false));
        ProcessHandle.of(p.pid()).ifPresent(h -> h.descendants().forEach(seen::add));
    }

    /** Until the request has ended and the exchange let go of its script. */
    private void awaitEnd() {
        Conditions.await("the exchange ends", () -> requests().active() == 0 && running.isEmpty() && ended());
    }

    private boolean ended() {
        return async.completed()
                || async.dispatched()
                || async.calls().isEmpty() && requests().clientAborts() > 0;
    }

    private void assertTreeGone() {
        Conditions.await(
                "the script's process tree is gone", () -> seen.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void nothingMoreReachesAClientThatIsNotReadyThenTheRestInOrder() throws Exception {
        out.notReadyAfterWrite(true);
        Path go = dir.resolve("go");
        Path done = dir.resolve("done");
        run(
                "printf 'Content-Type: text/plain\\n\\n'; printf one\n"
                        + "while [ ! -e '" + go + "' ]; do sleep 0.01; done\n"
                        + "printf two; printf three; touch '" + done + "'",
                Map.of());
        Conditions.await("the first piece is written", () -> out.text().equals("one"));
        Files.createFile(go);
        Conditions.await("the script wrote the rest into its pipe", () -> Files.exists(done));
        assertEquals("one", out.text(), "written while the client was not ready (the fake would have thrown)");
        assertTrue(response.committed(), "the head went out at once");
        Conditions.await("the rest is written", () -> {
            if (!out.isReady()) {
                try {
                    out.makeReady();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return async.completed();
        });
        awaitEnd();
        assertEquals("onetwothree", out.text());
        assertEquals(List.of("complete"), async.calls());
        assertEquals("text/plain", response.contentType());
        assertEquals(1, requests().responses(2));
        assertEquals(0, requests().clientAborts());
    }

    @ParameterizedTest
    @EnumSource(ClientGone.class)
    void aClientThatGoesAwayIsAClientAbortAndTheScriptIsKilled(ClientGone how) throws Exception {
        out.notReadyAfterWrite(true);
        run("printf 'Content-Type: text/plain\\n\\n'; printf one; sleep 60; printf two", Map.of());
        ChildProcess p = awaitRunning();
        Conditions.await("the first piece is written", () -> out.text().equals("one"));
        awaitChild(p);
        how.happen(out, async);
        awaitEnd();
        assertTreeGone();
        assertEquals(1, requests().clientAborts());
        assertEquals(1, runtime.metrics().killedOnDisconnect.sum());
        assertFalse(async.dispatched(), "no abort for a client that is gone");
        assertEquals("one", out.text());
        assertEquals(0, requests().responses(5));
    }

    @Test
    void aTimeoutAfterTheHeadAbortsTheResponseNeverCompletesIt() throws Exception {
        run("printf 'Content-Type: text/plain\\n\\n'; printf one; sleep 60; printf two", Map.of());
        ChildProcess p = awaitRunning();
        Conditions.await("the first piece is written", () -> out.text().equals("one"));
        awaitChild(p);
        timer.fire();
        awaitEnd();
        assertTreeGone();
        assertEquals(List.of("dispatch"), async.calls(), "aborted by a dispatch, not completed");
        GatewayFailure cause = assertInstanceOf(GatewayFailure.class, request.attribute(Abort.ATTRIBUTE));
        assertEquals(504, cause.status());
        assertEquals("one", out.text());
        assertEquals(1, requests().timedOut());
        // counted on the killer thread once the kill returned, which may be after the request ended
        Conditions.await(
                "the kill at the timeout is counted",
                () -> runtime.metrics().killedAtTimeout.sum() == 1);
    }

    /**
     * A failure and what the client gets.
     *
     * @param script the script's text, or null for a command that does not exist
     * @param params init-params
     * @param status the status answered (0: aborted after the head, by a dispatch)
     * @param retryAfter the Retry-After header, or null
     * @param timeoutAfter null, or the timeout falls due once the script runs and this much of the body is written
     */
    record Failure(
            String name,
            String script,
            Map<String, String> params,
            int status,
            String retryAfter,
            String timeoutAfter) {
        Failure(String name, String script, Map<String, String> params, int status) {
            this(name, script, params, status, null, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Failure> failures() {
        String head = "printf 'Content-Type: text/plain\\n\\n'; ";
        return Stream.of(
                new Failure("the script cannot be started", null, Map.of(), 500),
                new Failure("the script exits before its header block", "exit 3", Map.of(), 502),
                new Failure("the header block ends early", "printf 'Content-Type: text/plain\\n'", Map.of(), 502),
                new Failure("a malformed header block", "printf 'no colon here\\n\\n'", Map.of(), 502),
                new Failure(
                        "a header block beyond maxHeaderBytes",
                        "yes 'X-Big: aaaaaaaaaaaaaaaa' | head -c 9000",
                        Map.of("maxHeaderBytes", "4096"),
                        502),
                new Failure("the timeout before the header block", "sleep 60", Map.of(), 504, null, ""),
                new Failure("the timeout after the head", head + "printf one; sleep 60", Map.of(), 0, null, "one"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void eachFailureBecomesItsStatus(Failure row) throws Exception {
        if (row.script() == null) {
            Path missing = dir.resolve("missing");
            run(new ResolvedScript(missing, "/missing", "", List.of(missing.toString())), row.params());
        } else {
            run(row.script(), row.params());
        }
        if (row.timeoutAfter() != null) {
            awaitRunning();
            Conditions.await("the body so far is written", () -> out.text().equals(row.timeoutAfter()));
            timer.fire();
        }
        awaitEnd();
        assertTreeGone();
        if (row.status() == 0) {
            assertEquals(List.of("dispatch"), async.calls());
            assertEquals(504, ((GatewayFailure) request.attribute(Abort.ATTRIBUTE)).status());
            assertEquals(row.timeoutAfter(), out.text());
        } else {
            assertEquals(List.of(row.status()), response.errors());
            assertEquals(row.retryAfter(), response.header("Retry-After"));
            assertEquals(List.of("sendError " + row.status(), "complete"), response.journal());
            assertEquals("", out.text(), "no body of the script's");
        }
        int counted = row.status() == 0 ? 504 : row.status();
        assertEquals(1, requests().responses(counted / 100));
        assertEquals(counted == 504 ? 1 : 0, requests().timedOut());
        assertEquals(counted == 502 ? 1 : 0, requests().failures());
        assertEquals(
                row.script() == null ? 1 : 0, runtime.metrics().spawnFailures.sum());
        if (counted == 504) {
            // counted on the killer thread once the kill returned, which may be after the request ended
            Conditions.await(
                    "the kill at the timeout is counted",
                    () -> runtime.metrics().killedAtTimeout.sum() == 1);
        } else {
            assertEquals(0, runtime.metrics().killedAtTimeout.sum());
        }
    }

    /** The gate refused the request (queue full or timed out): 503 with Retry-After, the queue timeout. */
    @Test
    void aRefusalIs503WithRetryAfter() throws Exception {
        exchange(script("exit 0"), Map.of("queueTimeout", "7s")).rejected("the queue is full");
        assertEquals(List.of(503), response.errors());
        assertEquals("7", response.header("Retry-After"));
        assertEquals(List.of("sendError 503", "complete"), response.journal());
        assertEquals(1, requests().rejected());
        assertEquals(0, requests().active());
        assertTrue(running.isEmpty(), "no script started");
    }

    /**
     * The runtime's timer, with the test deciding when a timeout falls due ({@link #fire}) so that
     * "the timeout came after the head" is an order the test sets, not a race with the script.
     */
    private static final class ManualTimer extends ScheduledThreadPoolExecutor {
        private final List<Runnable> due = new java.util.concurrent.CopyOnWriteArrayList<>();

        ManualTimer() {
            super(1);
        }

        @Override
        public java.util.concurrent.ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            due.add(command);
            return super.schedule(command, 365, TimeUnit.DAYS);
        }

        /** Runs every timeout scheduled so far, now, once the script's is (it follows the start). */
        void fire() {
            Conditions.await("the timeout is scheduled", () -> !due.isEmpty());
            due.forEach(Runnable::run);
        }
    }
}

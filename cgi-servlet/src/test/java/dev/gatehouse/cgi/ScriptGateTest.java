package dev.gatehouse.cgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Admission control: run, queue in FIFO order, reject when full or after the wait. */
class ScriptGateTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private ScheduledThreadPoolExecutor timer;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void timer() {
        timer = new ScheduledThreadPoolExecutor(1);
        timer.setRemoveOnCancelPolicy(true); // as CgiServlet configures it
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    /** Records each outcome in the shared log and counts calls, which must be exactly one. */
    private final class Request implements ScriptGate.Admission {
        final String name;
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch decided = new CountDownLatch(1);

        Request(String name) {
            this.name = name;
        }

        @Override
        public void admitted() {
            calls.incrementAndGet();
            log.add(name + " admitted");
            decided.countDown();
        }

        @Override
        public void rejected(String why) {
            calls.incrementAndGet();
            log.add(name + " rejected: " + why);
            decided.countDown();
        }
    }

    private Request enter(ScriptGate gate, String name) {
        Request r = new Request(name);
        gate.enter(r);
        return r;
    }

    @Test
    void admitsUpToMaxRunningAtOnceAndRejectsBeyondWithoutAQueue() {
        ScriptGate gate = new ScriptGate(2, 0, LONG, timer);
        enter(gate, "a");
        enter(gate, "b");
        enter(gate, "c");
        assertEquals(
                List.of("a admitted", "b admitted", "c rejected: all 2 script slots busy and 0 requests queued"), log);
        assertEquals(2, gate.running());
        assertEquals(0, gate.queued());

        gate.leave();
        assertEquals(1, gate.running());
        enter(gate, "d");
        assertEquals("d admitted", log.get(3));
        assertEquals(2, gate.running());
    }

    @Test
    void queuedRequestsAreAdmittedInFifoOrderAsSlotsFree() {
        ScriptGate gate = new ScriptGate(1, 3, LONG, timer);
        List<Request> requests = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d")) {
            requests.add(enter(gate, name));
        }
        assertEquals(List.of("a admitted"), log);
        assertEquals(1, gate.running());
        assertEquals(3, gate.queued());
        assertEquals(3, timer.getQueue().size(), "one timeout per waiter");

        gate.leave();
        assertEquals(List.of("a admitted", "b admitted"), log);
        gate.leave();
        gate.leave();
        assertEquals(List.of("a admitted", "b admitted", "c admitted", "d admitted"), log);
        assertEquals(1, gate.running(), "each freed slot went to a waiter");
        assertEquals(0, gate.queued());
        assertTrue(timer.getQueue().isEmpty(), "admitted waiters' timeouts are cancelled");
        requests.forEach(r -> assertEquals(1, r.calls.get(), r.name));

        gate.leave();
        assertEquals(0, gate.running());
    }

    @Test
    void rejectsWhenTheQueueIsFull() {
        ScriptGate gate = new ScriptGate(1, 1, LONG, timer);
        enter(gate, "a");
        Request b = enter(gate, "b");
        enter(gate, "c");
        assertEquals(List.of("a admitted", "c rejected: all 1 script slots busy and 1 requests queued"), log);
        assertEquals(1, gate.queued());
        assertEquals(0, b.calls.get(), "b still waits");

        gate.leave();
        assertEquals("b admitted", log.get(2));
    }

    @Test
    void queuedRequestIsRejectedAfterMaxWait() throws Exception {
        ScriptGate gate = new ScriptGate(1, 2, Duration.ofMillis(50), timer);
        enter(gate, "a");
        long queuedAt = System.nanoTime();
        Request b = enter(gate, "b");
        assertTrue(b.decided.await(15, TimeUnit.SECONDS), "b decided within 15 s");
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queuedAt);
        assertTrue(waitedMillis >= 50, "rejected only after maxWait, waited " + waitedMillis + " ms");
        assertEquals(List.of("a admitted", "b rejected: no script slot free within 50 ms"), log);
        assertEquals(1, b.calls.get());
        assertEquals(0, gate.queued());
        assertEquals(1, gate.running());

        gate.leave(); // the expired waiter must not take the slot
        assertEquals(0, gate.running());
        assertEquals(1, b.calls.get());
    }

    @Test
    void expiredWaiterLeavesTheQueueToTheNextOne() throws Exception {
        ScriptGate gate = new ScriptGate(1, 1, Duration.ofMillis(50), timer);
        enter(gate, "a");
        Request b = enter(gate, "b");
        assertTrue(b.decided.await(15, TimeUnit.SECONDS), "b decided within 15 s");
        Request c = enter(gate, "c"); // the queue has room again
        assertEquals(1, gate.queued());
        gate.leave();
        assertEquals(List.of("a admitted", "b rejected: no script slot free within 50 ms", "c admitted"), log);
        assertEquals(1, c.calls.get());
    }

    @Test
    void neverMoreThanMaxRunningUnderConcurrentUse() throws Exception {
        int maxRunning = 3;
        int requests = 200;
        ScriptGate gate = new ScriptGate(maxRunning, requests, LONG, timer);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger outcomes = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(requests);
        try {
            for (int i = 0; i < requests; i++) {
                pool.execute(() -> gate.enter(new ScriptGate.Admission() {
                    @Override
                    public void admitted() {
                        outcomes.incrementAndGet();
                        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                        // finish on another thread, as an exchange does
                        pool.execute(() -> {
                            running.decrementAndGet();
                            gate.leave();
                            done.countDown();
                        });
                    }

                    @Override
                    public void rejected(String why) {
                        outcomes.incrementAndGet();
                        done.countDown();
                    }
                }));
            }
            assertTrue(done.await(15, TimeUnit.SECONDS), "all requests finished within 15 s");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(requests, outcomes.get(), "one outcome per request");
        assertTrue(peak.get() <= maxRunning, "peak " + peak.get());
        assertEquals(0, gate.running());
        assertEquals(0, gate.queued());
    }
}

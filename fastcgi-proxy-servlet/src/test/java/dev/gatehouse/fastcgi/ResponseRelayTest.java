package dev.gatehouse.fastcgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.servlet.ClientGoneException;
import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.SpoolBudget;
import dev.gatehouse.servlet.testing.FakeOutputStream;
import dev.gatehouse.servlet.testing.FakeResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's flow control against a fake container: {@link FakeOutputStream} is a
 * ServletOutputStream whose {@code isReady()} the test toggles, standing for a client that reads
 * or does not, and the test plays the container: making it ready again calls {@code
 * onWritePossible}.
 */
class ResponseRelayTest {

    private static final byte[] HEAD = "Content-Type: text/plain\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private final FakeResponse response = new FakeResponse();
    private final FakeOutputStream out = response.out();
    private final AtomicInteger written = new AtomicInteger();
    private final AtomicInteger demanded = new AtomicInteger();
    private final AtomicInteger writeErrors = new AtomicInteger();
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final SpoolBudget budget = new SpoolBudget(1 << 20, 1 << 20, 10);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private ResponseRelay relay(ResponseBuffer buffer, Duration sendTimeout) {
        ResponseRelay relay = new ResponseRelay(
                65536,
                response.response(),
                out,
                new ContainerGuard(ContainerGuard.Owner.onLoss(() -> {})),
                written::incrementAndGet,
                writeErrors::incrementAndGet,
                buffer,
                sendTimeout,
                timer,
                why -> stalled.countDown());
        relay.bind(demanded::incrementAndGet);
        out.setWriteListener(relay);
        return relay;
    }

    private ResponseBuffer buffer(long max) {
        return new ResponseBuffer(dir, 1024, max, budget.account(), () -> {});
    }

    /**
     * A client that takes nothing: every record is taken (the transport never pauses, so the
     * backend reaches END_REQUEST), past memory into a file; once the client reads, all of it
     * arrives in order, the request is written, and the release deletes the file.
     */
    @Test
    void aClientThatCannotKeepUpIsBufferedAndTheTransportReadsOn() throws Exception {
        ResponseRelay relay = relay(buffer(1 << 20), Duration.ofMinutes(1));
        byte[] body = bytes(500_000, 1);
        out.setReady(false);
        assertTrue(relay.onStdout(ByteBuffer.wrap(HEAD)));
        for (ByteBuffer record : records(body)) {
            assertTrue(relay.onStdout(record), "buffered, never paused");
        }
        relay.finish();
        assertEquals(0, written.get(), "not written before the client took it");
        assertEquals(1, files());
        assertEquals(0, demanded.get());
        out.makeReady();
        assertArrayEquals(body, out.written());
        assertEquals(1, written.get());
        relay.release();
        assertEquals(0, files());
        assertEquals(0, budget.diskUsed());
        assertEquals(0, budget.memoryUsed());
    }

    /** A client that reads promptly gets each piece as it comes, flushed after each read: nothing is buffered. */
    @Test
    void aReadingClientGetsStreamedOutputAtOnce() throws Exception {
        ResponseRelay relay = relay(buffer(1 << 20), Duration.ofMinutes(1));
        relay.onStdout(ByteBuffer.wrap(HEAD));
        assertTrue(relay.onStdout(ByteBuffer.wrap("first\n".getBytes(StandardCharsets.US_ASCII))));
        relay.readComplete();
        assertEquals("first\n", out.text());
        assertEquals(1, out.flushes());
        assertEquals(0, budget.memoryUsed(), "no buffer memory taken for a client that keeps up");
    }

    /** At the buffer's bound the relay falls back to backpressure: paused, then resumed once written. */
    @Test
    void beyondTheBoundTheTransportIsPausedAndResumed() throws Exception {
        ResponseRelay relay = relay(buffer(100_000), Duration.ofMinutes(1));
        byte[] body = bytes(300_000, 2);
        out.setReady(false);
        relay.onStdout(ByteBuffer.wrap(HEAD));
        boolean paused = false;
        int offered = 0;
        for (ByteBuffer record : records(body)) {
            offered += record.remaining();
            if (!relay.onStdout(record)) {
                paused = true;
                break;
            }
        }
        assertTrue(paused, "paused at the bound");
        out.makeReady();
        assertEquals(1, demanded.get(), "resumed once the client took the rest");
        assertArrayEquals(java.util.Arrays.copyOf(body, offered), out.written());
    }

    /** Without a buffer ({@code responseBuffering=false}) the first record the client cannot take pauses. */
    @Test
    void withoutABufferAClientThatCannotKeepUpPausesTheTransport() throws Exception {
        ResponseRelay relay = relay(null, null);
        out.setReady(false);
        relay.onStdout(ByteBuffer.wrap(HEAD));
        assertFalse(relay.onStdout(ByteBuffer.wrap(bytes(1000, 3))));
        out.makeReady();
        assertEquals(1, demanded.get());
        assertEquals(0, files());
    }

    /** A client that takes nothing for sendTimeout is reported; the release deletes its buffer. */
    @Test
    void aStalledClientIsReportedAfterTheSendTimeout() throws Exception {
        ResponseRelay relay = relay(buffer(1 << 20), Duration.ofMillis(200));
        out.setReady(false);
        relay.onStdout(ByteBuffer.wrap(HEAD));
        for (ByteBuffer record : records(bytes(200_000, 4))) {
            relay.onStdout(record);
        }
        assertEquals(1, files());
        assertTrue(stalled.await(10, TimeUnit.SECONDS), "stall reported");
        relay.release();
        assertEquals(0, files());
        assertEquals(0, budget.diskUsed());
    }

    /** The request ends while the response is buffered (client gone): the file goes, late records take nothing. */
    @Test
    void releaseWhileBufferedDeletesTheFile() throws Exception {
        ResponseRelay relay = relay(buffer(1 << 20), Duration.ofMinutes(1));
        out.setReady(false);
        relay.onStdout(ByteBuffer.wrap(HEAD));
        for (ByteBuffer record : records(bytes(200_000, 5))) {
            relay.onStdout(record);
        }
        relay.release();
        assertEquals(0, files());
        relay.onStdout(ByteBuffer.wrap(bytes(100_000, 6))); // a late record, before the abort lands
        assertEquals(0, files());
        assertEquals(0, budget.memoryUsed());
        assertEquals(0, budget.diskUsed());
    }

    /**
     * The application has ended (END_REQUEST) while the client still has a buffered rest to take,
     * and the response is cut off (sendTimeout): the release empties the buffer, and a write
     * listener call that follows must not take the empty buffer for a delivered body, or the
     * owner would complete a cut response as a whole one (a chunked body with its last chunk).
     */
    @Test
    void aReleasedRelayNeverReportsTheResponseWritten() throws Exception {
        ResponseRelay relay = relay(buffer(1 << 20), Duration.ofMinutes(1));
        out.setReady(false);
        relay.onStdout(ByteBuffer.wrap(HEAD));
        for (ByteBuffer record : records(bytes(200_000, 7))) {
            relay.onStdout(record);
        }
        relay.finish();
        relay.release();
        out.makeReady();
        assertEquals(0, written.get(), "a cut-off response reported as written");
        relay.finish(); // a late END_REQUEST path: still nothing
        assertEquals(0, written.get());
    }

    /**
     * Backpressure without a buffer, piece by piece: a client that takes one write and stops gets
     * nothing more (the fake container throws on a write while not ready) until it reads again,
     * and then the rest, in order; the transport is paused and resumed once per stop.
     */
    @Test
    void withoutABufferNothingMoreIsWrittenUntilTheClientReadsThenTheRestInOrder() throws Exception {
        ResponseRelay relay = relay(null, null);
        out.notReadyAfterWrite(true);
        byte[] first = bytes(1000, 8);
        byte[] second = bytes(2000, 9);
        byte[] third = bytes(3000, 10);
        assertTrue(relay.onStdout(ByteBuffer.wrap(concat(HEAD, first))), "written at once: the client was ready");
        assertEquals("text/plain", response.contentType());
        assertFalse(relay.onStdout(ByteBuffer.wrap(second)), "the client took nothing more: paused");
        assertArrayEquals(first, out.written(), "written while the client was not ready");
        out.makeReady();
        assertEquals(1, demanded.get(), "resumed once the rest was written");
        assertArrayEquals(concat(first, second), out.written());
        assertFalse(relay.onStdout(ByteBuffer.wrap(third)));
        relay.finish();
        assertEquals(0, written.get(), "the response is not whole until the client took the last piece");
        out.makeReady();
        assertEquals(2, demanded.get());
        out.setReady(true);
        relay.onWritePossible();
        assertArrayEquals(concat(concat(first, second), third), out.written());
        assertEquals(1, written.get(), "whole once every byte is with the container");
        assertEquals(0, writeErrors.get());
    }

    /** A write that fails (the client reset the connection) is the client gone, at once. */
    @Test
    void aFailingWriteIsTheClientGone() throws Exception {
        ResponseRelay relay = relay(null, null);
        out.failWrites(new IOException("Broken pipe"));
        ClientGoneException e = org.junit.jupiter.api.Assertions.assertThrows(
                ClientGoneException.class, () -> relay.onStdout(ByteBuffer.wrap(concat(HEAD, bytes(100, 11)))));
        assertTrue(e.getMessage().contains("Broken pipe"), e.getMessage());
        assertEquals(0, out.written().length);
    }

    /**
     * The client goes away while the rest waits for it: the container's onWritePossible finds the
     * write failing, or the container reports the error itself; either way the owner hears of it
     * (onWriteError), and the response is never reported whole.
     */
    @Test
    void aClientThatGoesAwayWhileTheRestWaitsIsReportedNotCompleted() throws Exception {
        ResponseRelay relay = relay(buffer(1 << 20), Duration.ofMinutes(1));
        out.setReady(false);
        relay.onStdout(ByteBuffer.wrap(HEAD));
        relay.onStdout(ByteBuffer.wrap(bytes(200_000, 12)));
        relay.finish();
        out.failWrites(new IOException("Connection reset by peer"));
        out.makeReady();
        assertEquals(1, writeErrors.get());
        out.fireError(new IOException("Connection reset by peer"));
        assertEquals(2, writeErrors.get(), "each report reaches the owner, which ends the request once");
        assertEquals(0, written.get(), "a response the client never got reported whole");
        relay.release();
        assertEquals(0, files());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private long files() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.count();
        }
    }

    private static ByteBuffer[] records(byte[] body) {
        int n = (body.length + 65534) / 65535;
        ByteBuffer[] records = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            int from = i * 65535;
            records[i] = ByteBuffer.wrap(body, from, Math.min(65535, body.length - from))
                    .slice()
                    .asReadOnlyBuffer();
        }
        return records;
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}

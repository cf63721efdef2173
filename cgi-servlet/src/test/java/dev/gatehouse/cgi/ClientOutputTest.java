package dev.gatehouse.cgi;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.servlet.ClientGoneException;
import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.testing.FakeOutputStream;
import dev.gatehouse.servlet.testing.FakeResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Writes to the client with a deadline: a client that takes nothing costs at most {@code
 * writeTimeout}, a cancel (the script's timeout) or a lost request ends the wait at once, and a
 * buffer is given back only once the container is ready again.
 */
class ClientOutputTest {

    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(30);

    private final FakeResponse response = new FakeResponse();
    /** A container's output stream in non-blocking mode: ready or not, as the test says. */
    private final FakeOutputStream stream = response.out().firstCallOnAThread(true);

    private final ContainerGuard guard = new ContainerGuard(ContainerGuard.Owner.onLoss(() -> {}));

    private ClientOutput output(Duration writeTimeout) {
        return new ClientOutput(response.response(), guard, writeTimeout);
    }

    @Test
    void aReadyClientTakesTheBytesAndTheFlush() throws IOException {
        ClientOutput output = output(LONG);
        assertFalse(output.started(), "nothing written yet: the stream is still in blocking mode");
        output.write("hello".getBytes(US_ASCII), 0, 5, true);
        output.awaitSent();
        assertTrue(output.started());
        assertSame(output, stream.listener(), "non-blocking mode, with the output as listener");
        assertEquals("hello", stream.text());
        assertEquals(1, stream.flushes());
    }

    @Test
    void theFirstWriteWaitsForTheContainersFirstCall() throws Exception {
        ClientOutput output = output(LONG);
        stream.firstCallOnAThread(false);
        CompletableFuture<Throwable> write = failureOf(output);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stream.listener() == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertSame(output, stream.listener());
        assertFalse(write.isDone(), "wrote before the container's first onWritePossible");
        assertEquals(0, stream.written().length);
        stream.makeReady();
        assertEquals(null, write.get(5, TimeUnit.SECONDS));
        assertEquals(1, stream.written().length);
    }

    @Test
    void aClientThatTakesNothingFailsTheWriteAfterTheWriteTimeoutNotBefore() throws Exception {
        ClientOutput output = output(SHORT);
        stream.notReadyAfterWrite(true);
        long start = System.nanoTime();
        IOException e =
                assertThrows(ClientOutput.ClientStalledException.class, () -> output.write(new byte[10], 0, 10, false));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took >= SHORT.toMillis() && took < 10_000, "stalled after " + took + " ms");
        assertTrue(e.getMessage().contains("300 ms (writeTimeout)"), e.getMessage());
    }

    @Test
    void aWriteReturnsOnlyOnceTheContainerIsReadyAgain() throws Exception {
        ClientOutput output = output(LONG);
        stream.notReadyAfterWrite(true);
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
            try {
                output.write(new byte[] {1, 2, 3}, 0, 3, false);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        awaitWaiting(write);
        assertFalse(write.isDone(), "the container still holds the buffer");
        stream.notReadyAfterWrite(false);
        stream.makeReady();
        write.get(10, TimeUnit.SECONDS);
        assertEquals(3, stream.written().length);
    }

    @Test
    void aCancelEndsTheWaitAtOnceWithItsReason() throws Exception {
        ClientOutput output = output(LONG);
        stream.notReadyAfterWrite(true);
        IOException reason = new IOException("timed out");
        CompletableFuture<Throwable> write = failureOf(output);
        awaitWaiting(write);
        long start = System.nanoTime();
        output.cancel(reason);
        assertSame(reason, write.get(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        // and later waits end the same way, without touching the stream
        assertSame(reason, assertThrows(IOException.class, output::awaitSent));
    }

    @Test
    void theContainerLettingGoEndsTheWaitAsAClientGone() throws Exception {
        ClientOutput output = output(LONG);
        stream.notReadyAfterWrite(true);
        CompletableFuture<Throwable> write = failureOf(output);
        awaitWaiting(write);
        guard.onComplete(null);
        output.wake();
        assertEquals(ClientGoneException.class, write.get(5, TimeUnit.SECONDS).getClass());
    }

    @Test
    void aWriteErrorFromTheContainerEndsTheWaitAsAClientGone() throws Exception {
        ClientOutput output = output(LONG);
        stream.notReadyAfterWrite(true);
        CompletableFuture<Throwable> write = failureOf(output);
        awaitWaiting(write);
        stream.fireError(new IOException("connection reset"));
        Throwable failure = write.get(5, TimeUnit.SECONDS);
        assertEquals(ClientGoneException.class, failure.getClass());
        assertTrue(failure.getMessage().contains("connection reset"), failure.getMessage());
    }

    /** Writes on another thread; completes with what the write threw (null when it did not). */
    private static CompletableFuture<Throwable> failureOf(ClientOutput output) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                output.write(new byte[] {1}, 0, 1, false);
                return null;
            } catch (IOException e) {
                return e;
            }
        });
    }

    /** Until the writer has written and waits for the container (bounded). */
    private void awaitWaiting(CompletableFuture<?> write) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stream.isReady() && !write.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertFalse(stream.isReady(), "the write did not happen");
    }
}

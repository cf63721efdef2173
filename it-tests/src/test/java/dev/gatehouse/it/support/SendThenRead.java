package dev.gatehouse.it.support;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that sends its whole request, body included, before it reads a byte of the response,
 * as simple clients do: a gateway whose script or application ignores the body must still let it
 * see the answer (the server reads and drops the rest of the body, within a bound) instead of
 * closing the connection under it. Sending runs on a thread of its own, bounded by a deadline,
 * since a socket write has no timeout of its own.
 */
public final class SendThenRead {

    /**
     * What the client saw.
     *
     * @param sent the body bytes written before sending ended
     * @param sendFailure why sending stopped early (the server closed or reset), or null
     * @param response the response read after sending, or null when reading failed
     * @param readFailure why reading the response failed, or null
     */
    public record Outcome(long sent, IOException sendFailure, RawHttp.Response response, IOException readFailure) {}

    private static final int BLOCK = 64 * 1024;

    private SendThenRead() {}

    /**
     * Sends {@code head} (the request line and header fields, ending with the blank line) and then
     * {@code length} body bytes, and only then reads the response to the end of the connection.
     *
     * @throws AssertionError when sending has neither ended nor failed within {@code deadline}:
     *     the server neither read the body nor closed the connection
     */
    public static Outcome post(URI base, String head, long length, Duration deadline) throws Exception {
        try (RawHttp raw = RawHttp.connect(base, deadline)) {
            AtomicLong sent = new AtomicLong();
            CompletableFuture<IOException> sending =
                    CompletableFuture.supplyAsync(() -> send(raw, head, length, sent), command -> {
                        Thread t = new Thread(command, "send-then-read");
                        t.setDaemon(true);
                        t.start();
                    });
            IOException sendFailure;
            try {
                sendFailure = sending.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                raw.close(); // ends the blocked write
                throw new AssertionError("still sending after " + deadline + ", " + sent.get() + " of " + length
                        + " body bytes sent: the server neither reads the body nor closes the connection");
            } catch (ExecutionException e) {
                throw new AssertionError("sending failed unexpectedly", e.getCause());
            }
            try {
                RawHttp.Head h = raw.readHead();
                return new Outcome(
                        sent.get(),
                        sendFailure,
                        new RawHttp.Response(h, raw.body(h).readAllBytes()),
                        null);
            } catch (IOException e) {
                return new Outcome(sent.get(), sendFailure, null, e);
            }
        }
    }

    private static IOException send(RawHttp raw, String head, long length, AtomicLong sent) {
        byte[] block = new byte[BLOCK];
        Arrays.fill(block, (byte) 'x');
        try {
            raw.write(head.getBytes(StandardCharsets.ISO_8859_1));
            while (sent.get() < length) {
                int n = (int) Math.min(BLOCK, length - sent.get());
                raw.write(n == BLOCK ? block : Arrays.copyOf(block, n));
                sent.addAndGet(n);
            }
            return null;
        } catch (IOException e) {
            return e;
        }
    }
}

package dev.gatehouse.servlet;

import java.time.Duration;

/**
 * How much of a request body a gateway reads and drops once its script or application stopped
 * reading it (EPIPE on a script's stdin, its exit, or END_REQUEST before the end of STDIN), as
 * Apache's mod_cgi does: a client that sends its whole body before it reads then sees the
 * answer, instead of a connection the container closed (and the kernel reset) under unread data.
 *
 * <p>The drain stops, and the request ends with its body unread (the container closes the
 * connection), when more than {@code maxBytes} would be dropped (the servlet's {@code
 * maxSpoolBytes}), or when the response is complete and {@code time} has passed since: {@link
 * #TIME}, 5 s, long enough for a client on a slow link to finish a sizeable upload, short enough
 * that a client that stops sending holds nothing for long. The request is completed only after
 * the drain ends. Neither a script slot nor a backend connection is held while it runs.
 *
 * @param maxBytes the most bytes dropped; a body known to leave more is not drained at all
 * @param time the longest drain after the response is complete
 */
public record DrainBound(long maxBytes, Duration time) {

    /** The longest drain after the response is complete. */
    public static final Duration TIME = Duration.ofSeconds(5);

    public DrainBound {
        if (maxBytes < 0 || time.isNegative()) {
            throw new IllegalArgumentException("negative drain bound: " + maxBytes + " bytes, " + time);
        }
    }

    /** The bound of a servlet whose {@code maxSpoolBytes} is {@code maxBytes}, with {@link #TIME}. */
    public static DrainBound of(long maxBytes) {
        return new DrainBound(maxBytes, TIME);
    }

    /**
     * Whether to read on.
     *
     * @param dropped the bytes dropped so far
     * @param rest the bytes the request still announces (Content-Length less what was read), or
     *     -1 when its length is not known (a chunked body)
     */
    public boolean readOn(long dropped, long rest) {
        return dropped + Math.max(rest, 0) <= maxBytes;
    }
}

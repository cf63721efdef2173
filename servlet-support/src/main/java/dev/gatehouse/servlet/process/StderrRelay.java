package dev.gatehouse.servlet.process;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a gateway program writes for its operator, turned into log lines: one record per line,
 * {@code "name: line"}. The one relay of every bridge — a CGI script's standard error (drained
 * from its pipe by the {@link StderrPump}), a FastCGI application's FCGI_STDERR stream (FastCGI
 * 1.0 §5.3, fed record by record) and a managed FastCGI server's standard output and error
 * (drained by its supervisor) — so that the three are cut and bounded alike:
 *
 * <ul>
 *   <li>LF ends a line, and a CR right before it (or at the very end) is dropped; an empty line is
 *       a line. Bytes may arrive in pieces split anywhere, even inside a UTF-8 sequence; a line is
 *       decoded as UTF-8 once whole (a malformed byte becomes U+FFFD). Control characters,
 *       a stray CR among them, are escaped by the {@link dev.gatehouse.servlet.SafeLogger} the
 *       caller hands in: a program cannot forge a log line of its own.
 *   <li>A line is cut at {@link #MAX_LINE} bytes and the rest of it, up to its newline, dropped:
 *       memory per relay is bounded, and a program that writes megabytes without a newline
 *       costs one line.
 *   <li>A request's relay logs at most {@code maxLines} lines ({@link #MAX_LINES} unless the
 *       servlet is told otherwise: the CGI servlet's {@code maxStderrLines}), each at WARNING;
 *       the rest are counted and {@link #finish()} logs how many. A server's relay has no such
 *       budget — its output is not a request's, and a server runs for days, so a budget would
 *       silence it for good — takes the level from the line (php-fpm's {@code WARNING} and worse
 *       at WARNING, the rest at INFO) and keeps the last {@link #TAIL_LINES} lines for the
 *       message of a failed start.
 *   <li>{@link #finish()} logs a last line that has no newline.
 * </ul>
 *
 * <p>Thread-safe: a pump or supervisor thread may drain while the owner finishes.
 */
public final class StderrRelay {

    /** Bytes of a line that are logged; the rest of the line is dropped. */
    public static final int MAX_LINE = 8192;
    /** Lines logged per request unless configured otherwise. */
    public static final int MAX_LINES = 200;
    /** Lines a server's relay keeps for error messages ({@link #tail()}). */
    public static final int TAIL_LINES = 20;

    private final Logger log;
    private final String name;
    private final int maxLines;
    private final LongAdder loggedTotal;
    private final LongAdder droppedTotal;
    /** A server's last lines; null for a request's relay, which is how the two kinds differ. */
    private final Deque<String> tail;

    private byte[] line = new byte[256];
    private int length;
    private boolean cut;
    private long lines;
    private long dropped;
    private byte[] buf;

    private StderrRelay(Logger log, String name, int maxLines, boolean server, LongAdder logged, LongAdder dropped) {
        if (maxLines < 0) {
            throw new IllegalArgumentException("maxLines " + maxLines + " < 0");
        }
        this.log = log;
        this.name = name;
        this.maxLines = maxLines;
        this.loggedTotal = logged;
        this.droppedTotal = dropped;
        this.tail = server ? new ArrayDeque<>() : null;
    }

    /**
     * The relay of one request's program: every line at WARNING, at most {@code maxLines}.
     *
     * @param log a {@link dev.gatehouse.servlet.SafeLogger}: the lines are the program's
     * @param name the prefix of each line, e.g. the SCRIPT_NAME
     */
    public static StderrRelay perRequest(Logger log, String name, int maxLines) {
        return perRequest(log, name, maxLines, new LongAdder(), new LongAdder());
    }

    /**
     * {@link #perRequest(Logger, String, int)} that also adds each line it logs to {@code logged}
     * and each it drops to {@code dropped}: the servlet's figures.
     */
    public static StderrRelay perRequest(Logger log, String name, int maxLines, LongAdder logged, LongAdder dropped) {
        return new StderrRelay(log, name, maxLines, false, logged, dropped);
    }

    /**
     * The relay of a long-running server's output: no line budget, the level read from each line,
     * the last {@link #TAIL_LINES} kept.
     */
    public static StderrRelay perServer(Logger log, String name) {
        return new StderrRelay(log, name, Integer.MAX_VALUE, true, new LongAdder(), new LongAdder());
    }

    /** Logs every line these bytes complete; a partial line waits for the next piece. */
    public synchronized void feed(byte[] bytes, int off, int len) {
        for (int i = off; i < off + len; i++) {
            take(bytes[i]);
        }
    }

    /** {@link #feed(byte[], int, int)} for the content of a record; its position is not moved. */
    public synchronized void feed(ByteBuffer content) {
        ByteBuffer in = content.duplicate();
        while (in.hasRemaining()) {
            take(in.get());
        }
    }

    /**
     * Relays what {@code stream} holds now: only what {@code available()} reports, so it never
     * blocks on a pipe (which Java cannot select on). A closed stream ends it quietly: the program
     * is gone, and what it wrote was read before.
     */
    public synchronized void drain(InputStream stream) {
        try {
            if (stream.available() > 0) {
                if (buf == null) {
                    buf = new byte[MAX_LINE];
                }
                drain(stream, buf);
            }
        } catch (IOException e) {
            // closed: the process was killed and its streams closed
        }
    }

    /** {@link #drain(InputStream)} through the caller's buffer: a pump shares one among many. */
    public synchronized void drain(InputStream stream, byte[] scratch) {
        try {
            for (int n; (n = stream.available()) > 0; ) {
                int read = stream.read(scratch, 0, Math.min(n, scratch.length));
                if (read <= 0) {
                    return;
                }
                feed(scratch, 0, read);
            }
        } catch (IOException e) {
            // closed: the process was killed and its streams closed
        }
    }

    /** Reads {@code stream} to its end, blocking, logging as it goes; then {@link #finish()}. */
    public void readToEnd(InputStream stream) {
        byte[] chunk = new byte[4096];
        try {
            for (int n; (n = stream.read(chunk)) > 0; ) {
                feed(chunk, 0, n);
            }
        } catch (IOException e) {
            // the stream closes when the process is killed: whatever was read is logged below
        }
        finish();
    }

    /**
     * Logs a last line without its newline, and once how many lines were over the budget. More
     * bytes may follow (a server's next output): they start a new line.
     */
    public synchronized void finish() {
        if (length > 0 || cut) {
            endLine();
        }
        if (dropped > 0) {
            log.log(Level.WARNING, "{0}: {1} more stderr lines not logged (limit {2})", name, dropped, maxLines);
            dropped = 0;
        }
    }

    /** The last lines of a server's relay, oldest first; empty for a request's. */
    public synchronized List<String> tail() {
        return tail == null ? List.of() : List.copyOf(tail);
    }

    private void take(byte b) {
        if (b == '\n') {
            endLine();
        } else if (length < MAX_LINE) {
            if (length == line.length) {
                line = Arrays.copyOf(line, Math.min(MAX_LINE, length * 2));
            }
            line[length++] = b;
        } else {
            cut = true;
        }
    }

    private void endLine() {
        int end = !cut && length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        length = 0;
        cut = false;
        if (tail != null) {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(text);
        }
        if (lines++ < maxLines) {
            log.log(tail != null ? level(text) : Level.WARNING, "{0}: {1}", name, text);
            loggedTotal.increment();
        } else {
            dropped++;
            droppedTotal.increment();
        }
    }

    /** A server's line at WARNING when it says WARNING, ERROR or worse (php-fpm's levels), else INFO. */
    static Level level(String text) {
        return text.contains("WARNING") || text.contains("ERROR") || text.contains("ALERT") || text.contains("EMERG")
                ? Level.WARNING
                : Level.INFO;
    }
}

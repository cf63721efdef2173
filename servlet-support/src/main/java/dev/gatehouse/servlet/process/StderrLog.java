package dev.gatehouse.servlet.process;

import dev.gatehouse.servlet.SafeLogger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns a program's standard error into log lines, one per line written, prefixed with the
 * script's name. Bounded: lines are cut at {@link #MAX_LINE} bytes and at most
 * {@code maxLines} lines are logged; the rest is counted. Bytes arrive through {@link #feed}
 * (from the {@link StderrPump}) or, for a stream read to its end, {@link #run()}.
 */
public final class StderrLog implements Runnable {

    static final int MAX_LINE = 4096;
    private static final Logger LOG = SafeLogger.of("dev.gatehouse.cgi.stderr");

    private final InputStream stderr;
    private final String name;
    private final int maxLines;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final LongAdder loggedTotal;
    private final LongAdder droppedTotal;
    private int lines;
    private long dropped;

    public StderrLog(InputStream stderr, String name, int maxLines) {
        this(stderr, name, maxLines, new LongAdder(), new LongAdder());
    }

    /**
     * A log that also adds each line it logs to {@code logged} and each it drops to {@code
     * dropped}: the servlet's figures.
     */
    public StderrLog(InputStream stderr, String name, int maxLines, LongAdder logged, LongAdder dropped) {
        this.stderr = stderr;
        this.name = name;
        this.maxLines = maxLines;
        this.loggedTotal = logged;
        this.droppedTotal = dropped;
    }

    /** The stream this log reads. */
    InputStream stream() {
        return stderr;
    }

    /** Reads the stream to its end, logging as it goes, then {@link #finish()}. */
    @Override
    public void run() {
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = stderr.read(buf)) > 0) {
                feed(buf, 0, n);
            }
        } catch (IOException e) {
            // the stream closes when the process is killed: whatever was read is logged below
        }
        finish();
    }

    /** Logs every complete line in these bytes; a partial line waits for the next call. */
    void feed(byte[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte b = buf[i];
            if (b == '\n') {
                endLine();
            } else if (b != '\r' && line.size() < MAX_LINE) {
                line.write(b);
            }
        }
    }

    /** Logs a last line without its newline, and how many lines were over the limit. */
    void finish() {
        if (line.size() > 0) {
            endLine();
        }
        if (dropped > 0) {
            LOG.log(Level.WARNING, "{0}: {1} more stderr lines not logged (limit {2})", name, dropped, maxLines);
        }
    }

    private void endLine() {
        if (lines < maxLines) {
            LOG.log(Level.WARNING, "{0}: {1}", name, line.toString(StandardCharsets.UTF_8));
            loggedTotal.increment();
        } else {
            dropped++;
            droppedTotal.increment();
        }
        lines++;
        line.reset();
    }
}

package dev.gatehouse.cgi.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

/**
 * Copies a program's standard error to the log, one log line per line written, prefixed with the
 * script's name. Bounded: lines are cut at {@link #MAX_LINE} bytes and at most
 * {@code maxLines} lines are logged; the rest is read (so the program never blocks on a full
 * pipe) and counted.
 */
public final class StderrLog implements Runnable {

    static final int MAX_LINE = 4096;
    private static final Logger LOG = System.getLogger("dev.gatehouse.cgi.stderr");

    private final InputStream stderr;
    private final String name;
    private final int maxLines;

    public StderrLog(InputStream stderr, String name, int maxLines) {
        this.stderr = stderr;
        this.name = name;
        this.maxLines = maxLines;
    }

    @Override
    public void run() {
        byte[] buf = new byte[4096];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int lines = 0;
        long dropped = 0;
        try {
            int n;
            while ((n = stderr.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        if (lines < maxLines) {
                            emit(line);
                        } else {
                            dropped++;
                        }
                        lines++;
                        line.reset();
                    } else if (b != '\r' && line.size() < MAX_LINE) {
                        line.write(b);
                    }
                }
            }
        } catch (IOException e) {
            // the stream closes when the process is killed: whatever was read is logged below
        }
        if (line.size() > 0) {
            if (lines < maxLines) {
                emit(line);
            } else {
                dropped++;
            }
        }
        if (dropped > 0) {
            LOG.log(Level.WARNING, "{0}: {1} more stderr lines not logged (limit {2})", name, dropped, maxLines);
        }
    }

    private void emit(ByteArrayOutputStream line) {
        LOG.log(Level.WARNING, "{0}: {1}", name, line.toString(StandardCharsets.UTF_8));
    }
}

package dev.gatehouse.fastcgi.managed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Relays what a managed backend writes on its standard output and error to a
 * {@link System.Logger}, line by line, and keeps the last lines for error messages. Reads only
 * what {@code available()} reports, so the supervisor's one thread can poll both streams without
 * ever blocking on a pipe. Lines are cut at 4 KiB; a line saying {@code WARNING}, {@code ERROR}
 * or worse (php-fpm's levels) is logged at WARNING, the rest at INFO.
 */
final class OutputRelay {

    static final int MAX_LINE = 4096;
    static final int TAIL_LINES = 20;

    private final String name;
    private final Logger log;
    private final Deque<String> tail = new ArrayDeque<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final byte[] buf = new byte[8192];

    OutputRelay(String name, Logger log) {
        this.name = name;
        this.log = log;
    }

    /** Relays whatever {@code stream} holds now, without blocking. */
    synchronized void drain(InputStream stream) {
        try {
            for (int n; (n = stream.available()) > 0; ) {
                int read = stream.read(buf, 0, Math.min(n, buf.length));
                if (read <= 0) {
                    return;
                }
                feed(buf, 0, read);
            }
        } catch (IOException e) {
            // the stream is closed: the process is gone, what it wrote was read before
        }
    }

    /** Logs a partial last line, if any. */
    synchronized void flush() {
        if (line.size() > 0) {
            endLine();
        }
    }

    /** The last lines written, oldest first. */
    synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    void feed(byte[] bytes, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                endLine();
            } else if (b != '\r' && line.size() < MAX_LINE) {
                line.write(b);
            }
        }
    }

    private void endLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (tail.size() == TAIL_LINES) {
            tail.removeFirst();
        }
        tail.addLast(text);
        log.log(level(text), "{0}: {1}", name, text);
    }

    static Level level(String text) {
        return text.contains("WARNING") || text.contains("ERROR") || text.contains("ALERT") || text.contains("EMERG")
                ? Level.WARNING
                : Level.INFO;
    }
}

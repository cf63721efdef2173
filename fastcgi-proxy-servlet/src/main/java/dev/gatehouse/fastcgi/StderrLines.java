package dev.gatehouse.fastcgi;

import dev.gatehouse.servlet.SafeLogger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An application's FCGI_STDERR stream (FastCGI 1.0 §5.3) cut into lines, each logged as a
 * WARNING of {@code dev.gatehouse.fastcgi.stderr} with the script name. A line longer than
 * {@value #MAX_LINE} bytes is logged in pieces; at most {@value #MAX_LINES} lines per request are
 * logged and the rest counted.
 */
final class StderrLines {

    static final int MAX_LINE = 8192;
    static final int MAX_LINES = 200;

    private static final System.Logger LOG = SafeLogger.of("dev.gatehouse.fastcgi.stderr");

    private final String scriptName;
    private byte[] line = new byte[256];
    private int length;
    private int lines;
    private int dropped;

    StderrLines(String scriptName) {
        this.scriptName = scriptName;
    }

    /** Takes a piece of the stream; logs each line it completes. */
    void accept(ByteBuffer content) {
        ByteBuffer in = content.duplicate();
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                emit();
            } else {
                if (length == line.length) {
                    if (length == MAX_LINE) {
                        emit();
                    } else {
                        line = Arrays.copyOf(line, Math.min(MAX_LINE, length * 2));
                    }
                }
                line[length++] = b;
            }
        }
    }

    /** Logs the last line even without its newline, and how many lines were not logged. */
    void finish() {
        if (length > 0) {
            emit();
        }
        if (dropped > 0) {
            LOG.log(Level.WARNING, "{0}: {1} more stderr lines not logged", scriptName, dropped);
        }
    }

    private void emit() {
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        length = 0;
        if (lines++ < MAX_LINES) {
            LOG.log(Level.WARNING, "{0}: {1}", scriptName, text);
        } else {
            dropped++;
        }
    }
}

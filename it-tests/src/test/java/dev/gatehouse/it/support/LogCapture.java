package dev.gatehouse.it.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Collects the formatted messages of one java.util.logging logger while installed. In these
 * embedded containers {@code System.Logger} is backed by java.util.logging, so this sees what
 * the servlet logs through {@code System.getLogger(name)}.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger; // held: java.util.logging keeps loggers only weakly
    private final List<String> messages = new ArrayList<>();
    private final List<String> thrown = new ArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    public static LogCapture install(String loggerName) {
        LogCapture capture = new LogCapture(Logger.getLogger(loggerName));
        capture.logger.addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        String message = formatter.formatMessage(record);
        synchronized (messages) {
            messages.add(message);
            if (record.getThrown() != null) {
                thrown.add(record.getLoggerName() + ": " + message + " [" + record.getThrown() + "]");
            }
        }
    }

    public List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** The records logged with a Throwable (a stack trace in the log), as logger, message and throwable. */
    public List<String> thrown() {
        synchronized (messages) {
            return List.copyOf(thrown);
        }
    }

    /** Waits up to {@code limit} until the captured messages satisfy {@code done}; returns them. */
    public List<String> await(Predicate<List<String>> done, Duration limit) throws InterruptedException {
        Instant end = Instant.now().plus(limit);
        List<String> seen = messages();
        while (!done.test(seen) && Instant.now().isBefore(end)) {
            Thread.sleep(20);
            seen = messages();
        }
        return seen;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}

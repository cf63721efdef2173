package dev.gatehouse.it.support;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test after which a child process of the test JVM is still running 5 s later: every
 * script the servlet started, and every process the test ran itself, must have been reaped (the
 * servlet completes the response before it waits for the script, hence the grace period).
 */
public final class NoProcessLeftBehind implements AfterEachCallback {

    private static final int POLLS = 50;
    private static final long POLL_MILLIS = 100;

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        List<String> left = List.of();
        for (int i = 0; i < POLLS; i++) {
            left = ProcessHandle.current()
                    .descendants()
                    .filter(ProcessHandle::isAlive)
                    .map(p -> p.pid() + " "
                            + p.info().commandLine().orElse(p.info().command().orElse("?")))
                    .toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
        throw new AssertionError("processes still running " + POLLS * POLL_MILLIS / 1000 + " s after "
                + context.getDisplayName() + ": " + left);
    }
}

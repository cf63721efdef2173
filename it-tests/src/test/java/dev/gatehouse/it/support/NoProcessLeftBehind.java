package dev.gatehouse.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test after which a process it started is still running 15 s later: every script the
 * servlet started, and every process the test ran itself, must have been reaped (the servlet
 * completes the response before it waits for the script, hence the grace period). It looks at
 * the test JVM's descendants and, through the {@link SuiteLeakGuard}'s samples, at processes
 * started during the test in a process group or session one of them had: an orphan re-parented
 * to init (a php-fpm worker whose master was killed, a script's double-forked child) is no
 * descendant any more. What it finds is killed (by pid) after being named, so that one leak does
 * not fail the tests after it.
 */
public final class NoProcessLeftBehind implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(NoProcessLeftBehind.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("since", SuiteLeakGuard.nowTicks());
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        long since = context.getStore(NAMESPACE).getOrDefault("since", Long.class, Long.MAX_VALUE);
        List<String> left = new ArrayList<>();
        try {
            Await.until(
                    () -> {
                        left.clear();
                        left.addAll(leftRunning(since));
                        return left.isEmpty();
                    },
                    () -> "processes still running after " + context.getDisplayName() + ": " + left);
        } finally {
            for (String p : left) {
                long pid = Long.parseLong(p.substring(0, p.indexOf(' ')));
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** "pid command line" of each live descendant and stray group member started since {@code since}. */
    private static List<String> leftRunning(long since) {
        Map<Long, String> left = new TreeMap<>();
        ProcessHandle.current()
                .descendants()
                .filter(p -> Processes.running(p.pid()))
                .forEach(p -> left.put(
                        p.pid(),
                        p.info().commandLine().orElse(p.info().command().orElse("?"))));
        for (String stray : SuiteLeakGuard.strayProcesses(since, SuiteLeakGuard.groupsAndSessionsSeen())) {
            String rest = stray.substring("pid ".length());
            left.putIfAbsent(Long.valueOf(rest.substring(0, rest.indexOf(' '))), rest.substring(rest.indexOf(' ') + 1));
        }
        return left.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .toList();
    }
}

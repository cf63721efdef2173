package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.it.support.SuiteLeakGuard;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ordered after every other integration test (see {@code junit-platform.properties}): fails the
 * build when the suite left a process running, a temp directory behind or file descriptors open,
 * naming each (see {@link SuiteLeakGuard}). Select it with the others when running a subset:
 * {@code -Dit.test='JettyManagedBackendIT,LeakGuardIT'}.
 */
class LeakGuardIT {

    @Test
    void theSuiteLeftNothingBehind() throws InterruptedException {
        List<String> leaks = SuiteLeakGuard.leaks();
        assertEquals(List.of(), leaks, () -> "the integration suite leaked:\n  " + String.join("\n  ", leaks) + "\n");
    }
}

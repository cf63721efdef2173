package dev.gatehouse.it.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Begins the {@link SuiteLeakGuard} when the test JVM's launcher session opens: before any test
 * class is loaded or any container started. Registered in {@code
 * META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class SuiteLeakGuardSession implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        SuiteLeakGuard.begin();
    }
}

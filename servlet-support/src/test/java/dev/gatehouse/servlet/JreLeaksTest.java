package dev.gatehouse.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

class JreLeaksTest {

    /** A record compared in a class loader of its own, as a web application's are. */
    public record Probe(String name, Probe next) {
        public static boolean compare() {
            return new Probe("a", null).equals(new Probe("a", null)) && new Probe("b", null).hashCode() != 0;
        }
    }

    /** JDK 17 keeps the type strongly; from JDK 18 only softly (JDK-8078641), which no gc() here clears. */
    @Test
    @EnabledForJreRange(max = JRE.JAVA_17)
    void aRecordComparedInAnUndeployedLoaderDoesNotKeepTheLoader() throws Exception {
        WeakReference<ClassLoader> loader = compareInALoaderOfItsOwn();
        JreLeaks.afterDestroy();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (loader.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(loader.get(), "the JDK's record bootstrap still holds the loader");
    }

    private static WeakReference<ClassLoader> compareInALoaderOfItsOwn() throws Exception {
        URL classes = Probe.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader own = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> probe = own.loadClass(Probe.class.getName());
            assertSame(own, probe.getClassLoader());
            assertEquals(true, probe.getMethod("compare").invoke(null));
            return new WeakReference<>(own);
        }
    }

    @Test
    void aProcessStartsWithTheSystemLoaderAsContextAndTheCallersIsRestored() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        ClassLoader webApp = new URLClassLoader(new URL[0], before);
        thread.setContextClassLoader(webApp);
        try {
            ClassLoader during = JreLeaks.startProcess(thread::getContextClassLoader);
            assertSame(ClassLoader.getSystemClassLoader(), during);
            assertSame(webApp, thread.getContextClassLoader());
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}

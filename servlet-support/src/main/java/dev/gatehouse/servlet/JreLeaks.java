package dev.gatehouse.servlet;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.runtime.ObjectMethods;

/**
 * Keeps the JDK from holding an undeployed web application's class loader, as Tomcat's {@code
 * JreMemoryLeakPreventionListener} does for what the JDK initializes once; these two happen on
 * any deployment, so the container cannot prevent them for us:
 *
 * <ul>
 *   <li>A thread the JDK creates on demand inherits the context class loader of the thread that
 *       made it. The "process reaper" threads that wait for child processes are made by the
 *       process start that finds none idle, and live on while processes keep starting: a bridge
 *       starts its processes with the system class loader as the context ({@link #startProcess}).
 *   <li>On JDK 17 the bootstrap of records' {@code equals} and {@code hashCode} ({@link
 *       ObjectMethods}) keeps the last record type it linked in a one-entry cache, strongly
 *       (JDK-8078641, fixed in JDK 18): the last web application to compare a record stays loaded
 *       until another one compares one. {@link #afterDestroy} links a JDK type in its place.
 * </ul>
 *
 * <p>{@code RedeployContract} (it-tests) finds every web application class loader of 20
 * redeploys collected on both containers with these, and the last one held without them.
 */
public final class JreLeaks {

    private static final System.Logger LOG = System.getLogger(JreLeaks.class.getName());

    /** Starts a process; its I/O failure is the caller's. */
    @FunctionalInterface
    public interface ProcessStart<T> {
        T start() throws IOException;
    }

    private JreLeaks() {}

    /**
     * Runs {@code start} with the system class loader as the thread's context class loader, so
     * that a reaper thread the JDK makes for the new process does not hold this web application.
     */
    public static <T> T startProcess(ProcessStart<T> start) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
        try {
            return start.start();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /**
     * Called at the end of a servlet's or filter's {@code destroy}: replaces the record types the
     * JDK's record bootstrap keeps (the receiver's, for {@code equals}; a component's, for {@code
     * equals} and {@code hashCode}) with {@code String}. Harmless where the JDK does not need it.
     */
    public static void afterDestroy() {
        try {
            MethodHandle component =
                    MethodHandles.publicLookup().findVirtual(String.class, "trim", MethodType.methodType(String.class));
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ObjectMethods.bootstrap(lookup, "equals", MethodHandle.class, String.class, "value", component);
            ObjectMethods.bootstrap(lookup, "hashCode", MethodHandle.class, String.class, "value", component);
        } catch (Throwable e) { // a JDK that refuses: the leak, if any, is the JDK's
            LOG.log(Level.DEBUG, "cannot reset the JDK's record bootstrap cache", e);
        }
    }
}

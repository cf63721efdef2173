package dev.gatehouse.servlet.metrics;

import jakarta.servlet.ServletContext;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The figures of every Gatehouse servlet and filter of one web application, kept in a
 * servlet-context attribute: what the status page renders. Each servlet or filter {@link
 * #register}s its sets on {@code init} and closes the registration on {@code destroy}, which also
 * registers and unregisters its MBeans on the platform MBeanServer ({@link JmxRegistration}).
 *
 * <p>A web application's registry lives and dies with its context: nothing here is static, so
 * nothing of an undeployed application stays reachable from the container's class loader.
 */
public final class MetricsRegistry {

    /** The servlet-context attribute holding the registry. */
    public static final String ATTRIBUTE = "dev.gatehouse.metrics";

    private static final System.Logger LOG = System.getLogger(MetricsRegistry.class.getName());

    private final List<MetricSet> sets = new CopyOnWriteArrayList<>();

    /** The registry of {@code context}, created on first use. */
    public static MetricsRegistry of(ServletContext context) {
        synchronized (context) {
            if (context.getAttribute(ATTRIBUTE) instanceof MetricsRegistry registry) {
                return registry;
            }
            MetricsRegistry registry = new MetricsRegistry();
            context.setAttribute(ATTRIBUTE, registry);
            return registry;
        }
    }

    /**
     * Adds {@code set} for the status page and registers its MBean; closing the result removes
     * both. A name already taken (the same web application deployed twice on one host, say) gets
     * an {@code instance} key; an MBeanServer that refuses leaves the set on the status page only.
     */
    public Registration register(MetricSet set) {
        sets.add(set);
        JmxRegistration jmx = null;
        try {
            jmx = JmxRegistration.register(set);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot register the MBean of {0}: {1}", set.labels(), e.toString());
        }
        JmxRegistration registered = jmx;
        return () -> {
            sets.removeIf(s -> s == set); // this registration's set, not an equal one
            if (registered != null) {
                registered.close();
            }
        };
    }

    /** The sets registered now, in registration order. */
    public List<MetricSet> sets() {
        return List.copyOf(sets);
    }

    /** Something registered, undone by {@link #close}. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}

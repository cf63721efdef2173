package dev.gatehouse.servlet.metrics;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * A {@link MetricSet}'s MBean on the platform MBeanServer, named {@code
 * dev.gatehouse:type=CgiServlet,context=/blog,name=cgi} (then its further labels, e.g. {@code
 * backend}), values quoted where JMX wants them quoted. Closing it unregisters the bean, after
 * which the MBeanServer holds nothing of the web application's classes.
 */
final class JmxRegistration implements AutoCloseable {

    /** The JMX domain of every Gatehouse MBean. */
    static final String DOMAIN = "dev.gatehouse";

    private static final System.Logger LOG = System.getLogger(JmxRegistration.class.getName());

    private final MBeanServer server;
    private final ObjectName name;

    private JmxRegistration(MBeanServer server, ObjectName name) {
        this.server = server;
        this.name = name;
    }

    static JmxRegistration register(MetricSet set) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        MetricsMBean bean = new MetricsMBean(set);
        for (int instance = 1; ; instance++) {
            ObjectName name = name(set, instance);
            try {
                server.registerMBean(bean, name);
                return new JmxRegistration(server, name);
            } catch (InstanceAlreadyExistsException e) {
                if (instance >= 100) {
                    throw new IllegalStateException(name + " and 99 other instances exist already", e);
                }
            } catch (JMException e) {
                throw new IllegalStateException("cannot register " + name + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The object name of {@code set}, its keys in a fixed order (type, then the labels, then
     * {@code instance} when above 1), which tools that match names as text (the Prometheus JMX
     * exporter's rules) rely on.
     */
    static ObjectName name(MetricSet set, int instance) {
        StringBuilder name = new StringBuilder(DOMAIN).append(":type=").append(value(set.type()));
        for (Map.Entry<String, String> label : set.labels().entrySet()) {
            name.append(',').append(label.getKey()).append('=').append(value(label.getValue()));
        }
        if (instance > 1) {
            name.append(",instance=").append(instance);
        }
        try {
            return new ObjectName(name.toString());
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("cannot name " + set.labels() + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code v} as a key property value: as it is when JMX allows it unquoted ({@code /blog},
     * {@code cgi}), else quoted ({@code "127.0.0.1:9000"}).
     */
    static String value(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n' || c == '\\') {
                return ObjectName.quote(v);
            }
        }
        return v.isEmpty() ? ObjectName.quote(v) : v;
    }

    ObjectName name() {
        return name;
    }

    @Override
    public void close() {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // someone unregistered it already: nothing is left to undo
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot unregister {0}: {1}", name, e.toString());
        }
    }
}

package dev.gatehouse.servlet.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.ReflectionException;

/**
 * A {@link MetricSet} as a read-only MBean whose attributes are the set's figures: longs for
 * counters and gauges, a String for a state, and for a latency histogram its count, sum and
 * p50/p90/p99 in milliseconds ({@code requestDurationP99Millis}). Only JDK types, so that jconsole,
 * Jolokia or the Prometheus JMX exporter read it without the web application's classes.
 */
final class MetricsMBean implements DynamicMBean {

    private final MetricSet set;
    private final MBeanInfo info;

    MetricsMBean(MetricSet set) {
        this.set = set;
        List<MBeanAttributeInfo> attributes = new ArrayList<>();
        set.source().report(new Flattener() {
            @Override
            void put(String name, String help, Object value) {
                String type = value instanceof String ? String.class.getName() : "long";
                attributes.add(new MBeanAttributeInfo(name, type, help, true, false, false));
            }
        });
        this.info = new MBeanInfo(
                MetricsMBean.class.getName(),
                "Gatehouse " + set.type() + " " + set.labels(),
                attributes.toArray(MBeanAttributeInfo[]::new),
                null,
                new MBeanOperationInfo[0],
                null);
    }

    /** Every attribute's value now. */
    Map<String, Object> values() {
        Map<String, Object> values = new LinkedHashMap<>();
        set.source().report(new Flattener() {
            @Override
            void put(String name, String help, Object value) {
                values.put(name, value);
            }
        });
        return values;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Object value = values().get(attribute);
        if (value == null) {
            throw new AttributeNotFoundException(attribute);
        }
        return value;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(attribute.getName() + " is read-only");
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        Map<String, Object> values = values();
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            Object v = values.get(a);
            if (v != null) {
                list.add(new Attribute(a, v));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        // read-only figures: there is no operation, and JMX reports an unknown one this way
        throw new ReflectionException(
                new NoSuchMethodException(actionName), "no operation " + actionName + ": the figures are read-only");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }

    /** A sink that turns each figure into attributes. */
    private abstract static class Flattener implements MetricSink {
        abstract void put(String name, String help, Object value);

        @Override
        public void counter(String name, String help, long value) {
            put(name, help, value);
        }

        @Override
        public void gauge(String name, String help, long value) {
            put(name, help, value);
        }

        @Override
        public void state(String name, String help, String value) {
            put(name, help, value);
        }

        @Override
        public void histogram(String name, String help, LatencyHistogram.Snapshot value) {
            put(name + "Count", help + ": how many", value.count());
            put(name + "SumMillis", help + ": their sum, ms", value.sumNanos() / 1_000_000);
            put(name + "P50Millis", help + ": median, ms (bucket bound, -1 above 65.5 s)", value.quantileMillis(0.5));
            put(name + "P90Millis", help + ": 90th percentile, ms", value.quantileMillis(0.9));
            put(name + "P99Millis", help + ": 99th percentile, ms", value.quantileMillis(0.99));
        }
    }
}

package dev.gatehouse.servlet.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one servlet, filter or backend, and what tells it apart from the others.
 *
 * @param type the MBean {@code type} key ({@code CgiServlet}, {@code FastCgiBackend})
 * @param kind the Prometheus family prefix after {@code gatehouse_} ({@code cgi}, {@code
 *     fastcgi_backend}): one family per kind, one series per instance
 * @param labels what names the instance, in order ({@code context}, {@code name}, then e.g.
 *     {@code backend}): the MBean's other keys and the Prometheus labels alike
 * @param source its figures
 */
public record MetricSet(String type, String kind, Map<String, String> labels, MetricSource source) {

    public MetricSet {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /**
     * The set of a servlet or filter {@code name} of the web application at {@code contextPath};
     * the ROOT context ({@code ""}) is named {@code /}, as Tomcat names it.
     */
    public static MetricSet of(String type, String kind, String contextPath, String name, MetricSource source) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("context", contextLabel(contextPath));
        labels.put("name", name);
        return new MetricSet(type, kind, labels, source);
    }

    /** This set's labels with {@code key=value} added last. */
    public MetricSet with(String type, String kind, String key, String value, MetricSource source) {
        Map<String, String> more = new LinkedHashMap<>(labels);
        more.put(key, value);
        return new MetricSet(type, kind, more, source);
    }

    static String contextLabel(String contextPath) {
        return contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
    }
}

package dev.gatehouse.servlet.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletContext;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class MetricsExportTest {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    static MetricSet sample(String context, String name) {
        GatewayMetrics m = new GatewayMetrics(() -> 2);
        long start = m.begin(); // fixed durations, not the test's timing: 3 ms and 0.1 ms
        m.end(start, 200, start + TimeUnit.MILLISECONDS.toNanos(3));
        long second = m.begin();
        m.end(second, 503, second + TimeUnit.MICROSECONDS.toNanos(100));
        MetricSource extra = sink -> {
            sink.gauge("scriptsRunning", "Scripts running now", 1);
            sink.state("health", "Whether it is used", "up");
        };
        return MetricSet.of("CgiServlet", "cgi", context, name, m.and(extra));
    }

    /** A ServletContext that only keeps attributes. */
    static ServletContext context() {
        Map<String, Object> attributes = new HashMap<>();
        return (ServletContext) Proxy.newProxyInstance(
                ServletContext.class.getClassLoader(), new Class<?>[] {ServletContext.class}, (p, method, args) -> {
                    switch (method.getName()) {
                        case "getAttribute":
                            return attributes.get((String) args[0]);
                        case "setAttribute":
                            attributes.put((String) args[0], args[1]);
                            return null;
                        case "hashCode":
                            return System.identityHashCode(p);
                        case "equals":
                            return p == args[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    @Test
    void registeringPutsTheSetOnThePageAndItsBeanOnThePlatformServer() throws Exception {
        ServletContext context = context();
        MetricsRegistry registry = MetricsRegistry.of(context);
        assertTrue(registry == MetricsRegistry.of(context));
        ObjectName name = new ObjectName("dev.gatehouse:type=CgiServlet,context=/blog,name=cgi");
        try (MetricsRegistry.Registration r = registry.register(sample("/blog", "cgi"))) {
            assertEquals(1, registry.sets().size());
            assertTrue(SERVER.isRegistered(name));
            assertEquals(2L, SERVER.getAttribute(name, "requests"));
            assertEquals(1L, SERVER.getAttribute(name, "rejected"));
            assertEquals(2L, SERVER.getAttribute(name, "queued"));
            assertEquals("up", SERVER.getAttribute(name, "health"));
            assertEquals(2L, SERVER.getAttribute(name, "requestDurationCount"));
            assertEquals(4L, SERVER.getAttribute(name, "requestDurationP99Millis"));
        }
        assertFalse(SERVER.isRegistered(name));
        assertTrue(registry.sets().isEmpty());
    }

    @Test
    void namesDoNotCollide() throws Exception {
        MetricsRegistry registry = MetricsRegistry.of(context());
        try (MetricsRegistry.Registration a = registry.register(sample("", "cgi"));
                MetricsRegistry.Registration b = registry.register(sample("", "cgi"));
                MetricsRegistry.Registration c = registry.register(sample("", "cgi")
                        .with("FastCgiBackend", "fastcgi_backend", "backend", "127.0.0.1:9000", sink -> {}))) {
            assertTrue(SERVER.isRegistered(new ObjectName("dev.gatehouse:type=CgiServlet,context=/,name=cgi")));
            assertTrue(
                    SERVER.isRegistered(new ObjectName("dev.gatehouse:type=CgiServlet,context=/,name=cgi,instance=2")));
            assertTrue(SERVER.isRegistered(
                    new ObjectName("dev.gatehouse:type=FastCgiBackend,context=/,name=cgi,backend=\"127.0.0.1:9000\"")));
        }
        assertTrue(SERVER.queryNames(new ObjectName("dev.gatehouse:*"), null).isEmpty());
    }

    @Test
    void prometheusGroupsOneFamilyOverEveryInstance() {
        String text = PrometheusFormat.render(List.of(sample("/a", "cgi"), sample("/b", "x\"y")));
        assertTrue(
                text.contains("# TYPE gatehouse_cgi_requests_total counter\n"
                        + "gatehouse_cgi_requests_total{context=\"/a\",name=\"cgi\"} 2\n"
                        + "gatehouse_cgi_requests_total{context=\"/b\",name=\"x\\\"y\"} 2\n"),
                text);
        assertTrue(text.contains("# TYPE gatehouse_cgi_scripts_running gauge\n"), text);
        assertTrue(text.contains("gatehouse_cgi_health{context=\"/a\",name=\"cgi\",state=\"up\"} 1\n"), text);
        assertTrue(text.contains("# TYPE gatehouse_cgi_request_duration_seconds histogram\n"), text);
        assertTrue(
                text.contains(
                        "gatehouse_cgi_request_duration_seconds_bucket{context=\"/a\",name=\"cgi\",le=\"0.001\"} 1\n"),
                text);
        assertTrue(
                text.contains(
                        "gatehouse_cgi_request_duration_seconds_bucket{context=\"/a\",name=\"cgi\",le=\"0.004\"} 2\n"),
                text);
        assertTrue(
                text.contains(
                        "gatehouse_cgi_request_duration_seconds_bucket{context=\"/a\",name=\"cgi\",le=\"65.536\"} 2\n"),
                text);
        assertTrue(
                text.contains(
                        "gatehouse_cgi_request_duration_seconds_bucket{context=\"/a\",name=\"cgi\",le=\"+Inf\"} 2\n"),
                text);
        assertTrue(text.contains("gatehouse_cgi_request_duration_seconds_count{context=\"/a\",name=\"cgi\"} 2\n"));
        assertTrue(text.contains("gatehouse_cgi_responses_2xx_total{"), text);
        assertEquals(1, text.split("# TYPE gatehouse_cgi_requests_total ", -1).length - 1);
    }

    @Test
    void jsonAndTextCarryTheSameFigures() {
        String json = JsonFormat.render(List.of(sample("/a", "cgi")));
        assertTrue(
                json.startsWith("{\"sets\":[{\"type\":\"CgiServlet\",\"kind\":\"cgi\","
                        + "\"labels\":{\"context\":\"/a\",\"name\":\"cgi\"},\"metrics\":{\"requests\":2,"),
                json);
        assertTrue(json.contains("\"health\":\"up\""), json);
        assertTrue(json.contains("\"requestDuration\":{\"count\":2,"), json);
        assertTrue(json.contains("\"p99Millis\":4,"), json);
        assertTrue(json.contains("\"+Inf\":2}},\"scriptsRunning\":1,"), json);
        assertTrue(json.endsWith("}}]}"), json);
        String text = TextFormat.render(List.of(sample("/a", "cgi")));
        assertTrue(text.contains("CgiServlet context=/a name=cgi\n"), text);
        assertTrue(text.contains("  rejected                     1\n"), text);
        assertTrue(text.contains("2 requests, p50 <= 1 ms"), text);
    }

    @Test
    void snakeCase() {
        assertEquals("scripts_running", PrometheusFormat.snake("scriptsRunning"));
        assertEquals("responses_2xx", PrometheusFormat.snake("responses2xx"));
        assertEquals("bytes_in", PrometheusFormat.snake("bytesIn"));
    }

    /** The MBean is read-only: an operation is refused the way JMX reports an unknown one. */
    @Test
    void theMBeanHasNoOperations() {
        MetricsMBean bean = new MetricsMBean(sample("/a", "cgi"));
        javax.management.ReflectionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                javax.management.ReflectionException.class, () -> bean.invoke("reset", new Object[0], new String[0]));
        assertTrue(refused.getCause() instanceof NoSuchMethodException, String.valueOf(refused.getCause()));
        assertEquals(0, bean.getMBeanInfo().getOperations().length);
    }
}

package dev.gatehouse.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.servlet.AsgiServlet;
import dev.gatehouse.cgi.CgiServlet;
import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.it.asgi.TestApps;
import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import dev.gatehouse.servlet.metrics.StatusServlet;
import io.prometheus.jmx.JmxCollector;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the figures an operator reads, driven by real requests on a real container. A CGI
 * servlet with one slot and a 1 s timeout gives a 504 (a script that sleeps) and a 503 (a request
 * while that one holds the slot), then a client abort (a client that hangs up on a ticking
 * script); a FastCGI proxy with a managed php-fpm gives a 502 when its processes are killed in the
 * middle of a request, and restarts it; an ASGI servlet echoes a body. Then the counters are read
 * over the platform MBeanServer and from the status page as text, JSON and Prometheus text, which
 * {@code promtool check metrics} must accept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class OperabilityContract {

    static final String CTX = "/ops";
    static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ServletContainer container;

    private Path dir;

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void deploy(@TempDir Path dir) throws IOException {
        this.dir = dir;
        Path cgi = Files.createDirectories(dir.resolve("cgi"));
        script(cgi.resolve("hello.sh"), "echo 'Content-Type: text/plain'\necho\necho hello\n");
        script(cgi.resolve("sleep.sh"), "sleep 30\necho 'Content-Type: text/plain'\necho\n");
        script(
                cgi.resolve("tick.sh"),
                "echo 'Content-Type: text/plain'\necho\nwhile true; do echo tick; sleep 0.05; done\n");
        Path www = Files.createDirectories(dir.resolve("www"));
        Path php = Files.createDirectories(www.resolve("php"));
        Files.writeString(php.resolve("hello.php"), "<?php echo 'hello';");
        Files.writeString(php.resolve("slow.php"), "<?php usleep(20000000); echo 'late';");
        container = ServletContainer.servlets(
                kind(),
                CTX,
                www,
                List.of(
                        ServletSpec.of("cgi", CgiServlet.class, "/cgi/*")
                                .param("scriptRoot", cgi.toString())
                                .param("timeout", "1s")
                                .param("maxConcurrent", "1")
                                .param("maxQueued", "0"),
                        ServletSpec.of("php", FastCgiProxyServlet.class, "/php/*")
                                .param("documentRoot", www.toString())
                                .param("managedBackend", "php-fpm")
                                .param("backendChildren", "2"),
                        ServletSpec.instance("echo", new AsgiServlet(TestApps.ECHO), "/echo"),
                        ServletSpec.of("status", StatusServlet.class, "/status")));
    }

    @AfterAll
    void undeploy() throws Exception {
        if (container != null) {
            container.close();
        }
        assertEquals(Set.of(), JMX.queryNames(new ObjectName("dev.gatehouse:context=" + CTX + ",*"), null));
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static ObjectName name(String type, String servlet) throws Exception {
        return new ObjectName("dev.gatehouse:type=" + type + ",context=" + CTX + ",name=" + servlet);
    }

    static long attribute(ObjectName name, String attribute) {
        try {
            return (Long) JMX.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new AssertionError(name + " " + attribute + ": " + e, e);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(container.uri(path)).timeout(Await.LIMIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void cgiCountsA504A503AndAClientAbort() throws Exception {
        ObjectName cgi = name("CgiServlet", "cgi");
        assertEquals(200, get("cgi/hello.sh").statusCode());

        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
                HttpRequest.newBuilder(container.uri("cgi/sleep.sh"))
                        .timeout(Await.LIMIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Await.until(() -> attribute(cgi, "scriptsRunning") == 1, () -> "sleep.sh never ran");
        HttpResponse<String> refused = get("cgi/hello.sh");
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals(504, slow.get(15, TimeUnit.SECONDS).statusCode());

        try (Socket socket = new Socket("127.0.0.1", container.base().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + CTX + "/cgi/tick.sh HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = new byte[64];
            assertTrue(in.read(head) > 0, "no response head");
            assertTrue(new String(head, ISO_8859_1).startsWith("HTTP/1.1 200"));
        } // the client hangs up on a script still writing
        Await.until(() -> attribute(cgi, "clientAborts") == 1, () -> "no client abort counted");
        Await.until(() -> attribute(cgi, "active") == 0, () -> "requests still active");
        // the request ends (and counts) before its exchange has reaped the killed tree
        Await.until(() -> attribute(cgi, "scriptsRunning") == 0, () -> "scripts still running");

        assertEquals(4, attribute(cgi, "requests"));
        assertEquals(1, attribute(cgi, "rejected"));
        assertEquals(1, attribute(cgi, "timedOut"));
        assertEquals(0, attribute(cgi, "failures"));
        assertEquals(1, attribute(cgi, "responses2xx"));
        assertEquals(3, attribute(cgi, "scriptsStarted"));
        assertEquals(1, attribute(cgi, "treesKilledAtTimeout"));
        assertEquals(1, attribute(cgi, "treesKilledOnDisconnect"));
        assertEquals(4, attribute(cgi, "requestDurationCount"));
        // hello.sh's body; tick.sh's writes may all fail, the client gone right after the head
        assertTrue(attribute(cgi, "bytesOut") >= "hello\n".length());
        assertTrue(attribute(cgi, "requestDurationP99Millis") >= 1024, "the 504 took a second");
    }

    @Test
    @Order(2)
    void fastCgiCountsA502FromAKilledBackendAndItsRestart() throws Exception {
        ObjectName php = name("FastCgiProxyServlet", "php");
        ObjectName backend = JMX.queryNames(
                        new ObjectName("dev.gatehouse:type=FastCgiBackend,context=" + CTX + ",name=php,*"), null)
                .iterator()
                .next();
        // no request before: a kept-alive connection that breaks would be replayed, not answered 502
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
                HttpRequest.newBuilder(container.uri("php/slow.php"))
                        .timeout(Await.LIMIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Await.until(() -> attribute(backend, "connectionsBusy") == 1, () -> "slow.php never reached php-fpm");
        long pid = attribute(php, "managedPid");
        assertTrue(pid > 0, "no managed pid");
        ProcessHandle master = ProcessHandle.of(pid).orElseThrow();
        master.descendants().forEach(ProcessHandle::destroyForcibly);
        master.destroyForcibly();
        HttpResponse<String> failed = slow.get(15, TimeUnit.SECONDS);
        assertEquals(502, failed.statusCode(), failed.body());
        Await.until(() -> attribute(php, "managedRestarts") >= 1, () -> "php-fpm was not started again");
        assertEquals(200, get("php/hello.php").statusCode());
        Await.until(() -> attribute(php, "active") == 0, () -> "requests still active");

        assertEquals(2, attribute(php, "requests"));
        assertEquals(1, attribute(php, "failures"));
        assertEquals(1, attribute(php, "responses2xx"));
        assertTrue(attribute(backend, "requestsSent") >= 2);
        assertEquals(
                "up", String.valueOf(JMX.getAttribute(backend, "health")), "a refused connection was not expected");
        assertTrue(attribute(php, "managedLastExitMillis") > 0, "no exit recorded");
    }

    @Test
    @Order(3)
    void asgiCountsAnExchangeAndItsBytes() throws Exception {
        ObjectName echo = name("AsgiServlet", "echo");
        HttpResponse<String> echoed = http.send(
                HttpRequest.newBuilder(container.uri("echo"))
                        .POST(HttpRequest.BodyPublishers.ofString("0123456789"))
                        .timeout(Await.LIMIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, echoed.statusCode());
        Await.until(() -> attribute(echo, "requests") == 1 && attribute(echo, "active") == 0, () -> "not counted");
        assertEquals(10, attribute(echo, "bytesIn"));
        assertEquals(10, attribute(echo, "bytesOut"));
        assertEquals("unsupported", JMX.getAttribute(echo, "lifespan"));
    }

    @Test
    @Order(4)
    void theStatusPageRendersTheSameFiguresInThreeFormats() throws Exception {
        HttpResponse<String> text = get("status");
        assertEquals(200, text.statusCode());
        assertTrue(text.body().contains("CgiServlet context=/ops name=cgi\n"), text.body());
        assertTrue(text.body().contains("FastCgiBackend context=/ops name=php backend="), text.body());

        HttpResponse<String> json = get("status?format=json");
        assertEquals(
                "application/json",
                json.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(
                json.body().contains("\"labels\":{\"context\":\"/ops\",\"name\":\"cgi\"},\"metrics\":{\"requests\":4,"),
                json.body());
        assertTrue(json.body().contains("\"rejected\":1,\"timedOut\":1,"), json.body());

        HttpResponse<String> prometheus = get("status?format=prometheus");
        assertEquals(
                "text/plain;version=0.0.4",
                prometheus
                        .headers()
                        .firstValue("Content-Type")
                        .orElse("")
                        .replaceAll(";\\s*charset=.*", "")
                        .replace(" ", ""));
        String body = prometheus.body();
        assertTrue(body.contains("gatehouse_cgi_rejected_total{context=\"/ops\",name=\"cgi\"} 1\n"), body);
        assertTrue(body.contains("gatehouse_cgi_timed_out_total{context=\"/ops\",name=\"cgi\"} 1\n"), body);
        assertTrue(body.contains("gatehouse_cgi_client_aborts_total{context=\"/ops\",name=\"cgi\"} 1\n"), body);
        assertTrue(body.contains("gatehouse_fastcgi_failures_total{context=\"/ops\",name=\"php\"} 1\n"), body);
        assertTrue(body.contains("# TYPE gatehouse_cgi_request_duration_seconds histogram\n"), body);
        assertTrue(!body.contains("PATH=") && !body.contains(dir.toString()), "nothing of the environment");
        Promtool.check(body);

        assertEquals(400, get("status?format=xml").statusCode());
    }

    @Test
    @Order(5)
    void theJmxExporterRulesReadTheMBeans() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        new JmxCollector(Files.readString(Path.of("..", "docs", "jmx-exporter.yaml"))).register(registry);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        String body = out.toString(UTF_8);
        assertTrue(body.contains("# TYPE gatehouse_cgi_requests_total counter\n"), body);
        assertTrue(body.contains("gatehouse_cgi_requests_total{context=\"/ops\",name=\"cgi\"} 4.0\n"), body);
        assertTrue(body.contains("gatehouse_cgi_rejected_total{context=\"/ops\",name=\"cgi\"} 1.0\n"), body);
        assertTrue(body.contains("gatehouse_cgi_responses_2xx_total{context=\"/ops\",name=\"cgi\"} 1.0\n"), body);
        assertTrue(body.contains("# TYPE gatehouse_cgi_scripts_running gauge\n"), body);
        assertTrue(body.contains("gatehouse_fastcgi_failures_total{context=\"/ops\",name=\"php\"} 1.0\n"), body);
        assertTrue(body.contains("gatehouse_fastcgi_managed_restarts_total{context=\"/ops\",name=\"php\"}"), body);
        assertTrue(
                body.lines()
                        .anyMatch(l -> l.startsWith("gatehouse_fastcgi_backend_connections_idle{backend=\"")
                                && l.contains("context=\"/ops\"")),
                body);
        assertTrue(body.contains("gatehouse_asgi_bytes_in_total{context=\"/ops\",name=\"echo\"} 10.0\n"), body);
        Promtool.check(body);
    }

    /** {@code promtool check metrics}, the real parser of the exposition format. */
    static final class Promtool {
        static void check(String exposition) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(exposition.getBytes(UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
            assertEquals(0, p.exitValue(), "promtool check metrics: " + out);
        }

        private Promtool() {}
    }
}

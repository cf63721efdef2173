package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.fastcgi.managed.Programs;
import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.FastCgiStatsServlet;
import dev.gatehouse.it.support.LogCapture;
import dev.gatehouse.it.support.ManagedBackendServlet;
import dev.gatehouse.it.support.NoProcessLeftBehind;
import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link FastCgiProxyServlet} with {@code managedBackend}: a real php-fpm or php-cgi started by
 * the servlet serves pages, comes back after its master is killed with SIGKILL, and is gone with
 * its directory once the container stops; a command that cannot start fails the deployment with
 * its output in the log.
 */
@ExtendWith(NoProcessLeftBehind.class)
abstract class ManagedBackendContract {

    private static final Duration LIMIT = Duration.ofSeconds(15);
    private static final String CTX = "/ctx";
    private static final Pattern STATE =
            Pattern.compile("kind=(\\S+) pid=(-?\\d+) pids=(\\S*) dir=(\\S+) restarts=(\\d+)");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ServletContainer container;

    @TempDir
    Path www;

    abstract ServletContainer.Kind kind();

    @AfterEach
    void stop() {
        if (container != null) {
            container.close();
        }
    }

    private void deploy(Map<String, String> params) throws IOException {
        Path scripts = Files.createDirectories(www.resolve("php")); // the path under the context
        Files.writeString(
                scripts.resolve("hello.php"),
                "<?php header('Content-Type: text/plain'); echo 'hello from ', php_sapi_name(), ' ', getenv('APP');");
        Files.writeString(scripts.resolve("slow.php"), "<?php usleep(200000); echo getmypid();");
        ServletSpec php =
                ServletSpec.of("php", FastCgiProxyServlet.class, "/php/*").param("documentRoot", www.toString());
        for (Map.Entry<String, String> p : params.entrySet()) {
            php = php.param(p.getKey(), p.getValue());
        }
        container = ServletContainer.servlets(
                kind(),
                CTX,
                www,
                List.of(
                        php,
                        ServletSpec.of("backend", ManagedBackendServlet.class, "/backend/*"),
                        ServletSpec.of("stats", FastCgiStatsServlet.class, "/stats/*")));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(container.uri(path)).timeout(LIMIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Matcher state() throws Exception {
        HttpResponse<String> response = get("backend/php");
        assertEquals(200, response.statusCode(), response.body());
        Matcher m = STATE.matcher(response.body());
        assertTrue(m.matches(), response.body());
        return m;
    }

    private static List<Long> pids(Matcher state) {
        return Arrays.stream(state.group(3).split(",")).map(Long::valueOf).toList();
    }

    @ParameterizedTest
    @CsvSource({"php-fpm,unix,fpm-fcgi", "php-fpm,tcp,fpm-fcgi", "php-cgi,unix,cgi-fcgi"})
    void servesComesBackAfterKill9AndStopsWithTheContainer(String managed, String listen, String sapi)
            throws Exception {
        deploy(Map.of(
                "managedBackend", managed, "backendListen", listen, "backendChildren", "2", "backendEnv", "APP=it"));
        HttpResponse<String> hello = get("php/hello.php");
        assertEquals(200, hello.statusCode(), hello.body());
        assertEquals("hello from " + sapi + " it", hello.body());

        Matcher before = state();
        assertEquals(managed, before.group(1));
        long master = Long.parseLong(before.group(2));
        List<Long> first = pids(before);
        assertEquals(3, first.size(), "a master and 2 workers: " + first);
        Path dir = Path.of(before.group(4));
        assertTrue(Files.isDirectory(dir), dir.toString());

        long killedAt = System.nanoTime();
        ProcessHandle.of(master).orElseThrow().destroyForcibly();
        // the orphaned workers may answer a little longer: wait for the supervisor's restart
        Matcher after = state();
        while (!after.group(5).equals("1") || Long.parseLong(after.group(2)) < 0) {
            assertTrue(System.nanoTime() - killedAt < LIMIT.toNanos(), "no restart within " + LIMIT);
            Thread.sleep(20);
            after = state();
        }
        long restartedMillis = (System.nanoTime() - killedAt) / 1_000_000;
        assertNotEquals(master, Long.parseLong(after.group(2)));
        assertEquals(List.of(), Processes.awaitGone(first, Await.LIMIT), "old master and workers gone");
        int status = 0;
        while (System.nanoTime() - killedAt < LIMIT.toNanos()) {
            HttpResponse<String> r = get("php/hello.php");
            status = r.statusCode();
            if (status == 200) {
                assertEquals("hello from " + sapi + " it", r.body());
                break;
            }
            assertTrue(status == 502 || status == 503, "while restarting: " + status + " " + r.body());
            Thread.sleep(20);
        }
        assertEquals(200, status, "serving again within " + LIMIT);
        System.out.printf(
                "[managed %s %s %s] restarted %d ms, serving again %d ms after kill -9 of the master%n",
                kind(), managed, listen, restartedMillis, (System.nanoTime() - killedAt) / 1_000_000);
        after = state();
        assertEquals("1", after.group(5), "one restart");

        List<Long> second = pids(after);
        container.close();
        container = null;
        assertEquals(List.of(), Processes.awaitGone(second, Await.LIMIT), "stopped with the container");
        Await.until(() -> !Files.exists(dir), () -> dir + " removed");
    }

    /**
     * The root cause of workers outliving a killed master, on a deployed servlet: each kind
     * starts through a wrapper that first leaves a helper process in the backend's process
     * group, outside the master's process tree (as a worker forked after the supervisor last
     * looked is). After kill -9 of the master and the restart, nothing of the old group runs;
     * after the container stops, nothing of the new one.
     */
    @ParameterizedTest
    @CsvSource({"php-fpm,unix", "php-fpm,tcp", "php-cgi,unix", "php-cgi,tcp", "command,unix", "command,tcp"})
    void aKilledMasterLeavesNoProcessOfItsGroup(String managed, String listen) throws Exception {
        String program =
                switch (managed) {
                    case "php-fpm" -> Programs.phpFpm().orElseThrow() + " \"$@\"";
                    case "php-cgi" -> Programs.phpCgi().orElseThrow() + " \"$@\"";
                    default -> Programs.phpCgi().orElseThrow() + " -b \"$1\"";
                };
        Path wrapper = www.resolve("wrapper.sh");
        Files.writeString(
                wrapper,
                "#!/bin/sh\n"
                        + "sh -c 'sleep 300 >/dev/null 2>&1 & echo $! > helper.pid.tmp && mv helper.pid.tmp helper.pid'\n"
                        + "exec " + program + "\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        deploy(Map.of(
                "managedBackend",
                managed,
                "backendListen",
                listen,
                "backendChildren",
                "2",
                "backendCommand",
                managed.equals("command") ? wrapper + " {address}" : wrapper.toString()));
        assertEquals(200, get("php/hello.php").statusCode());
        Matcher before = state();
        Path dir = Path.of(before.group(4));
        long helper = Long.parseLong(Processes.awaitFile(dir.resolve("helper.pid"), LIMIT));
        assertTrue(Processes.running(helper), "the helper runs in the group");
        assertFalse(pids(before).contains(helper), "outside the master's tree: " + before.group(3));

        Files.delete(dir.resolve("helper.pid"));
        long killedAt = System.nanoTime();
        ProcessHandle.of(Long.parseLong(before.group(2))).orElseThrow().destroyForcibly();
        Matcher after = state();
        while (!after.group(5).equals("1") || Long.parseLong(after.group(2)) < 0) {
            assertTrue(System.nanoTime() - killedAt < LIMIT.toNanos(), "no restart within " + LIMIT);
            Thread.sleep(20);
            after = state();
        }
        assertEquals(List.of(), Processes.awaitGone(List.of(helper), LIMIT), "the old group's helper");
        assertEquals(List.of(), Processes.awaitGone(pids(before), LIMIT), "the old master and workers");

        long second = Long.parseLong(Processes.awaitFile(dir.resolve("helper.pid"), LIMIT));
        container.close();
        container = null;
        assertEquals(List.of(), Processes.awaitGone(List.of(second), LIMIT), "the new group's helper");
    }

    /** A kept-alive idle connection pins a worker: the pool never opens more than the children. */
    @Test
    void poolFollowsTheChildren() throws Exception {
        deploy(Map.of("managedBackend", "php-fpm", "backendChildren", "2"));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            calls.add(http.sendAsync(
                    HttpRequest.newBuilder(container.uri("php/slow.php"))
                            .timeout(LIMIT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Map<String, Integer> byWorker = new LinkedHashMap<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> r = call.get();
            assertEquals(200, r.statusCode(), r.body());
            byWorker.merge(r.body(), 1, Integer::sum);
        }
        assertEquals(2, byWorker.size(), "served by the two workers: " + byWorker);
        String stats = get("stats/php").body();
        assertTrue(stats.contains("peakOpen=2"), stats);
    }

    @Test
    void aBackendThatCannotStartFailsTheDeploymentClearly() throws Exception {
        try (LogCapture log = LogCapture.install(FastCgiProxyServlet.class.getName())) {
            boolean started;
            try {
                deploy(Map.of(
                        "managedBackend",
                        "command",
                        "backendCommand",
                        "sh -c 'echo cannot start: no config >&2; exit 7' {address}"));
                started = true;
            } catch (IllegalStateException deploymentFailed) {
                started = false;
            }
            if (started) {
                // Tomcat starts a context whose servlet failed init; the servlet stays unavailable
                int status = get("php/hello.php").statusCode();
                assertTrue(status == 500 || status == 503, "status " + status);
                assertEquals(404, get("backend/php").statusCode());
            }
            // the failure may be logged in more than one record: wait for all of what is checked
            String message = String.join(
                    "\n",
                    log.await(
                            l -> String.join("\n", l).contains("exited with status 7")
                                    && String.join("\n", l).contains("cannot start: no config"),
                            Await.LIMIT));
            assertTrue(
                    message.contains("php: managed backend 'sh -c echo cannot start: no config >&2; exit 7 /"),
                    message);
            assertTrue(message.contains("exited with status 7"), message);
            assertTrue(message.contains("cannot start: no config"), message);
            Matcher dir =
                    Pattern.compile("(/\\S+/gatehouse-fcgi-\\d+)/fcgi.sock").matcher(message);
            assertTrue(dir.find(), message);
            Path backendDir = Path.of(dir.group(1));
            Await.until(() -> !Files.exists(backendDir), () -> backendDir + " removed");
        }
    }
}

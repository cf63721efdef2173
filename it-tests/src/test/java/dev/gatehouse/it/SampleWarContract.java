package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.ServletContainer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The sample WAR, deployed unchanged, serves its index page and its CGI demos. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SampleWarContract {

    private final HttpClient http = HttpClient.newHttpClient();
    private ServletContainer container;

    abstract ServletContainer.Kind kind();

    /** Whether the container unpacks the WAR; when not, the servlet copies its scripts out. */
    boolean unpack() {
        return true;
    }

    @BeforeAll
    void deploy() {
        container = ServletContainer.war(kind(), ServletContainer.sampleWar(), "/sample", unpack());
    }

    @AfterAll
    void undeploy() throws InterruptedException {
        // every process the sample started (its managed php-fpm and workers) ends with it
        List<Long> started = ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid)
                .toList();
        container.close();
        assertEquals(List.of(), Processes.awaitGone(started, Duration.ofSeconds(5)), "left behind by the sample");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(container.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void indexLinksTheDemos() throws Exception {
        HttpResponse<String> response = get("");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("cgi-bin/env.sh"), response.body());
        assertTrue(response.body().contains("php/hello.php"), response.body());
    }

    @Test
    void phpPageIsServedByTheManagedPhpFpm() throws Exception {
        // managedBackend=auto: php-fpm is installed here (.ci/run installs it), so the servlet runs it
        HttpResponse<String> response = get("php/hello.php/some/path?name=Ada");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("fpm-fcgi", response.headers().firstValue("X-PHP-SAPI").orElseThrow());
        assertTrue(response.body().contains("<h1>Hello, Ada, from PHP "), response.body());
        assertTrue(response.body().contains("<tr><th>PATH_INFO</th><td>/some/path</td></tr>"), response.body());
        assertFalse(response.body().contains("<?php"), response.body());
        List<ProcessHandle> fpm = ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().command().orElse("").contains("php-fpm"))
                .toList();
        assertTrue(fpm.size() >= 2, "a php-fpm master and workers run under this JVM: " + fpm);
    }

    @Test
    void shellScriptRuns() throws Exception {
        HttpResponse<String> response = get("cgi-bin/hello.sh");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("Hello from sh\n", response.body());
    }

    @Test
    void nestedPythonScriptSeesPathInfo() throws Exception {
        HttpResponse<String> response = get("cgi-bin/sub/info.py/any/extra?q=1");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("SCRIPT_NAME=/sample/cgi-bin/sub/info.py\n"), response.body());
        assertTrue(response.body().contains("PATH_INFO=/any/extra\n"), response.body());
        assertTrue(response.body().contains("QUERY_STRING=q=1\n"), response.body());
    }

    @Test
    void perlFormUsesCgiPm() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(container.uri("cgi-bin/form.pl"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("name=Ada+%3Cb%3E"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("<p>Hello, Ada &lt;b&gt;!</p>"), response.body());
    }

    @Test
    void localRedirectIsServedInside() throws Exception {
        HttpResponse<String> response = get("cgi-bin/redirect.sh?local");
        assertEquals(200, response.statusCode());
        assertEquals("Hello from sh\n", response.body());
    }

    @Test
    void clientRedirectReachesTheClient() throws Exception {
        HttpResponse<String> response = get("cgi-bin/redirect.sh");
        assertEquals(302, response.statusCode());
        assertEquals(
                container.uri("index.html").toString(),
                response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void nphScriptSetsItsOwnStatusLine() throws Exception {
        HttpResponse<String> response = get("cgi-bin/nph-time.sh");
        assertEquals(200, response.statusCode());
        assertEquals("yes", response.headers().firstValue("X-NPH").orElseThrow());
    }

    @Test
    void scriptsAreNotServedAsFiles() throws Exception {
        assertEquals(404, get("WEB-INF/cgi/hello.sh").statusCode());
        assertEquals(404, get("cgi-bin/missing.sh").statusCode());
    }
}

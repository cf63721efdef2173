package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.ServletContainer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The README's "Running a PHP application" walk-through, deployed as written: the directory
 * {@code src/test/resources/php-app} (a front-controller PHP application with a static asset and
 * the README's {@code WEB-INF/web.xml}) deployed unchanged as a web application. The proxy runs
 * its own php-fpm; routes, static files, forbidden paths and the fix_pathinfo attack behave as
 * behind a careful nginx.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PhpApplicationContract {

    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private ServletContainer container;
    private Path app;

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void deploy() throws Exception {
        app = Path.of(PhpApplicationContract.class.getResource("/php-app").toURI());
        container = ServletContainer.war(kind(), app, "/blog");
    }

    @AfterAll
    void undeploy() throws InterruptedException {
        assertEquals(
                List.of(), Processes.closeAndAwaitChildren(container, Await.LIMIT), "left behind by the application");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(container.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rootRunsTheFrontController() throws Exception {
        HttpResponse<String> response = get("");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("home\n", response.body());
    }

    @Test
    void prettyUrlIsRoutedByPhpWithTheOriginalRequestUri() throws Exception {
        HttpResponse<String> response = get("hello/Ada%20Lovelace?x=1");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "Hello, Ada Lovelace\nREQUEST_URI=/blog/hello/Ada%20Lovelace?x=1\nSCRIPT_NAME=/blog/index.php\n",
                response.body());
    }

    @Test
    void unknownRouteIsThePhpApplicationsOwn404() throws Exception {
        HttpResponse<String> response = get("no/such/page");
        assertEquals(404, response.statusCode());
        assertEquals("no route for GET /no/such/page\n", response.body());
    }

    @Test
    void formPostReachesPhpWithStatusAndLocation() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(container.uri("notes"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("text=hello+world"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        assertEquals("stored 11 bytes\n", response.body());
        String location = response.headers().firstValue("Location").orElseThrow();
        assertTrue(URI.create(location).getPath().equals("/blog/notes/1"), location);
    }

    @Test
    void staticFileIsServedByTheContainerNotPhp() throws Exception {
        HttpResponse<String> response = get("assets/site.css");
        assertEquals(200, response.statusCode());
        assertEquals(Files.readString(app.resolve("assets/site.css")), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
        assertFalse(response.headers().firstValue("X-Powered-By").isPresent(), "PHP answered a static file");
    }

    @Test
    void uploadedFileIsNeverExecutedAsPhp() throws Exception {
        // cgi.fix_pathinfo: /uploads/avatar.jpg/x.php must not run avatar.jpg (it holds PHP code)
        HttpResponse<String> attack = get("uploads/avatar.jpg/x.php");
        assertFalse(attack.body().contains("this must never run") && attack.statusCode() == 200, attack.body());
        assertTrue(attack.statusCode() == 404 || attack.statusCode() == 403, "status " + attack.statusCode());
        HttpResponse<String> direct = get("uploads/avatar.jpg");
        assertEquals(200, direct.statusCode());
        assertTrue(direct.body().contains("<?php"), "served as a file, source and all: " + direct.body());
    }

    @Test
    void deploymentDescriptorIsNotExposed() throws Exception {
        assertEquals(404, get("WEB-INF/web.xml").statusCode());
        assertEquals(404, get("WEB-INF/").statusCode());
    }
}

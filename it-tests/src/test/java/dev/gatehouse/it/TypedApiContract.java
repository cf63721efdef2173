package dev.gatehouse.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.servlet.AsgiServlet;
import dev.gatehouse.asgi.servlet.AsgiServletBuilder;
import dev.gatehouse.cgi.CgiServlet;
import dev.gatehouse.fastcgi.FastCgiAuthorizerFilter;
import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.fastcgi.testing.PhpFpm;
import dev.gatehouse.it.asgi.TestApps;
import dev.gatehouse.it.support.AttributeEchoServlet;
import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.FilterSpec;
import dev.gatehouse.it.support.PerlAuthorizer;
import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.ScriptTree;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every gateway built with its typed API ({@code XxxServlet.builder()…build()}) and registered as
 * an instance, as {@code ServletContext.addServlet(name, servlet)}, Spring's {@code
 * ServletRegistrationBean} or an embedded container does: the built CGI servlet runs the
 * it-tests' scripts, the built proxy a real php-fpm, the built {@link AsgiServlet} an
 * application, and the built authorizer filter guards a servlet with a real Perl authorizer.
 * The {@code over} servlet is built with one {@code deny} pattern and registered with another
 * as init-param: the registration's wins.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TypedApiContract {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String CTX = "/ctx";
    private static final String ALICE = "Basic YWxpY2U6c2VjcmV0"; // alice:secret

    @RegisterExtension
    static final PhpFpm fpm = new PhpFpm()
            .maxChildren(2)
            .script(
                    "php/typed.php",
                    "<?php echo 'TYPED=', $_SERVER['TYPED'], ' SCRIPT_NAME=', $_SERVER['SCRIPT_NAME'];")
            .script("php/secret.ini", "password=1");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(LIMIT)
            .build();
    private PerlAuthorizer authorizer;
    private ServletContainer container;
    private AsgiServletBuilder asgi;
    private AsgiServlet asgiServlet;

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void start(@TempDir Path temp) throws IOException, InterruptedException {
        Path scripts = ScriptTree.copy("cgi-scripts", temp.resolve("scripts")).resolve("root");
        authorizer = PerlAuthorizer.start();
        asgi = AsgiServlet.builder(TestApps.SCOPE)
                .asyncTimeout(Duration.ofSeconds(20))
                .readBufferSize(4096);
        asgiServlet = asgi.build();
        container = ServletContainer.servlets(
                kind(),
                CTX,
                fpm.documentRoot(),
                List.of(
                        ServletSpec.instance(
                                "cgi",
                                CgiServlet.builder()
                                        .scriptRoot(scripts)
                                        .timeout(Duration.ofSeconds(20))
                                        .environment(Map.of("TYPED", "yes"))
                                        .build(),
                                "/cgi/*"),
                        ServletSpec.instance(
                                        "over",
                                        CgiServlet.builder()
                                                .scriptRoot(scripts)
                                                .deny(List.of("/hello.sh"))
                                                .build(),
                                        "/over/*")
                                .param("deny", "/other.sh"),
                        ServletSpec.instance(
                                "php",
                                FastCgiProxyServlet.builder()
                                        .backend("127.0.0.1:" + fpm.address().getPort())
                                        .documentRoot(fpm.documentRoot())
                                        .maxConnections(2)
                                        .idleTimeout(Duration.ofSeconds(2))
                                        .params(Map.of("TYPED", "yes"))
                                        .deny(List.of("*.ini"))
                                        .denyStatus(403)
                                        .build(),
                                "/php/*"),
                        ServletSpec.instance("asgi", asgiServlet, "/asgi/*"),
                        ServletSpec.of("echo", AttributeEchoServlet.class, "/protected/*")),
                List.of(FilterSpec.instance(
                        "auth",
                        FastCgiAuthorizerFilter.builder()
                                .backend(authorizer.backend())
                                .readTimeout(Duration.ofSeconds(10))
                                .build(),
                        "/protected/*")));
    }

    @AfterAll
    void stop() throws InterruptedException {
        try {
            if (container != null) {
                container.close();
            }
        } finally {
            if (authorizer != null) {
                long pid = authorizer.pid();
                authorizer.close();
                assertEquals(
                        List.of(), Processes.awaitGone(List.of(pid), Await.LIMIT), "the authorizer process is gone");
            }
        }
    }

    @Test
    void aBuiltCgiServletRunsScriptsWithItsTypedSettings() throws Exception {
        HttpResponse<String> hello = get("cgi/hello.sh", null);
        assertEquals(200, hello.statusCode(), hello.body());
        assertEquals("Hello\n", hello.body());
        assertEquals("yes", hello.headers().firstValue("X-Hello").orElse(null));

        HttpResponse<String> env = get("cgi/env.sh", null);
        assertEquals(200, env.statusCode(), env.body());
        assertTrue(env.body().lines().anyMatch("TYPED=yes"::equals), env.body());
    }

    @Test
    void theRegistrationsInitParamsApplyOverTheBuildersValues() throws Exception {
        HttpResponse<String> hello = get("over/hello.sh", null);
        assertEquals(200, hello.statusCode(), "the builder's deny=/hello.sh is overridden: " + hello.body());
        assertEquals("Hello\n", hello.body());
        assertEquals(404, get("over/other.sh", null).statusCode(), "the registration's deny=/other.sh applies");
    }

    @Test
    void aBuiltProxyServesPhpWithItsTypedSettings() throws Exception {
        HttpResponse<String> typed = get("php/typed.php", null);
        assertEquals(200, typed.statusCode(), typed.body());
        assertEquals("TYPED=yes SCRIPT_NAME=/ctx/php/typed.php", typed.body());

        assertEquals(403, get("php/secret.ini", null).statusCode(), "deny and denyStatus from the builder");
    }

    @Test
    void aBuiltAsgiServletServesItsApplicationWithTheBuildersConfig() throws Exception {
        HttpResponse<String> scope = get("asgi/x?q=1", null);
        assertEquals(200, scope.statusCode(), scope.body());
        assertTrue(
                scope.body().startsWith("method=GET\npath=/ctx/asgi/x\nroot_path=/ctx/asgi\nquery_string=q=1\n"),
                scope.body());

        assertEquals(asgi.config(), asgiServlet.config(), "init used the builder's settings");
    }

    @Test
    void aBuiltAuthorizerFilterGuardsItsPaths() throws Exception {
        HttpResponse<String> allowed = get("protected/page", ALICE);
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertTrue(allowed.body().startsWith("USER=alice\nROLE=admin\n"), allowed.body());

        HttpResponse<String> denied = get("protected/page", null);
        assertEquals(401, denied.statusCode(), denied.body());
        assertEquals(PerlAuthorizer.DENIAL_BODY, denied.body());
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(container.uri(path)).timeout(LIMIT).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }
}

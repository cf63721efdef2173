package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.FastCgiAuthorizerFilter;
import dev.gatehouse.it.support.AttributeEchoServlet;
import dev.gatehouse.it.support.AttributeForgingFilter;
import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.FilterSpec;
import dev.gatehouse.it.support.PerlAuthorizer;
import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link FastCgiAuthorizerFilter} in front of a real FastCGI authorizer ({@link PerlAuthorizer},
 * Perl's FCGI module): filter {@code forge} ({@link AttributeForgingFilter}) runs first on
 * every path, filter {@code auth} guards {@code /protected/*}, filter {@code down}
 * guards {@code /down/*} with an authorizer that is not there, and {@link AttributeEchoServlet}
 * answers every path with the attributes and body it got.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FastCgiAuthorizerContract {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String CTX = "/ctx";
    private static final String ALICE = "Basic YWxpY2U6c2VjcmV0"; // alice:secret
    private static final String MARK = FastCgiAuthorizerFilter.class.getName() + ".authorized.auth";

    private PerlAuthorizer authorizer;
    private ServletContainer container;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(LIMIT).build();

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void start() throws IOException, InterruptedException {
        authorizer = PerlAuthorizer.start();
        container = ServletContainer.servlets(
                kind(),
                CTX,
                null,
                List.of(ServletSpec.of("echo", AttributeEchoServlet.class, "/*")),
                List.of(
                        FilterSpec.of("forge", AttributeForgingFilter.class, "/*"),
                        FilterSpec.of("auth", FastCgiAuthorizerFilter.class, "/protected/*")
                                .param("backend", authorizer.backend()),
                        FilterSpec.of("down", FastCgiAuthorizerFilter.class, "/down/*")
                                .param("backend", "unix:" + authorizer.backend().substring(5) + ".absent")));
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
    void allowedRequestReachesTheServletWithTheAuthorizersVariables() throws Exception {
        HttpResponse<String> response = send(get("protected/page?x=1").header("Authorization", ALICE));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                """
                USER=alice
                ROLE=admin
                SEEN=FCGI_ROLE=AUTHORIZER;REQUEST_METHOD=GET;REQUEST_URI=/ctx/protected/page?x=1;\
                CONTENT_LENGTH=<unset>;SCRIPT_NAME=<unset>;PATH_INFO=<unset>
                dispatcher=ASYNC
                length=0
                sha256=%s
                """
                        .formatted(sha256(new byte[0])),
                response.body());
        assertFalse(response.body().contains("never shown"), "a 200's body is not sent");
    }

    @Test
    void deniedRequestGetsTheAuthorizersAnswerAsSent() throws Exception {
        HttpResponse<String> response =
                send(get("protected/page").header("Authorization", "Basic YWxpY2U6d3Jvbmc=")); // alice:wrong

        assertDenied(response, "GET", "/ctx/protected/page");
    }

    @Test
    void requestWithoutCredentialsIsDenied() throws Exception {
        assertDenied(send(get("protected/page")), "GET", "/ctx/protected/page");
    }

    @Test
    void postBodyGoesToTheServletNotToTheAuthorizer() throws Exception {
        byte[] body = new byte[300_000];
        new SplittableRandom(7).nextBytes(body);

        HttpResponse<String> allowed = send(post("protected/upload", body).header("Authorization", ALICE));
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertEquals(
                """
                USER=alice
                ROLE=admin
                SEEN=FCGI_ROLE=AUTHORIZER;REQUEST_METHOD=POST;REQUEST_URI=/ctx/protected/upload;\
                CONTENT_LENGTH=<unset>;SCRIPT_NAME=<unset>;PATH_INFO=<unset>
                dispatcher=ASYNC
                length=300000
                sha256=%s
                """
                        .formatted(sha256(body)),
                allowed.body());

        HttpResponse<String> denied = send(post("protected/upload", body));
        assertDenied(denied, "POST", "/ctx/protected/upload");
    }

    @Test
    void authorizerDownIs502() throws Exception {
        HttpResponse<String> response = send(get("down/page").header("Authorization", ALICE));

        assertEquals(502, response.statusCode());
        assertFalse(response.body().contains("USER=alice"), response.body());
    }

    @Test
    void theFilterAndItsBackendCountGrantedDeniedAndFailedRequests() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName auth = new ObjectName("dev.gatehouse:type=FastCgiAuthorizerFilter,context=/ctx,name=auth");
        ObjectName down = new ObjectName("dev.gatehouse:type=FastCgiAuthorizerFilter,context=/ctx,name=down");
        ObjectName downBackend = jmx.queryNames(
                        new ObjectName("dev.gatehouse:type=FastCgiBackend,context=/ctx,name=down,*"), null)
                .iterator()
                .next();
        BiFunction<ObjectName, String, Long> read = (bean, attribute) -> {
            try {
                return (Long) jmx.getAttribute(bean, attribute);
            } catch (Exception e) {
                throw new AssertionError(bean + " " + attribute, e);
            }
        };
        long requests = read.apply(auth, "requests");
        long granted = read.apply(auth, "granted");
        long denied = read.apply(auth, "denied");
        long ok = read.apply(auth, "responses2xx");
        long refused = read.apply(auth, "responses4xx");
        long failures = read.apply(down, "failures");
        long connectFailures = read.apply(downBackend, "connectFailures");

        assertEquals(
                200, send(get("protected/page").header("Authorization", ALICE)).statusCode());
        assertDenied(send(get("protected/page")), "GET", "/ctx/protected/page");
        assertEquals(502, send(get("down/page")).statusCode());

        Await.until(() -> read.apply(auth, "active") == 0 && read.apply(down, "active") == 0, () -> "still active");
        assertEquals(requests + 2, read.apply(auth, "requests"));
        assertEquals(granted + 1, read.apply(auth, "granted"));
        assertEquals(denied + 1, read.apply(auth, "denied"));
        assertEquals(ok + 1, read.apply(auth, "responses2xx"), "a granted request counts as the authorizer's 200");
        assertEquals(refused + 1, read.apply(auth, "responses4xx"));
        assertEquals(failures + 1, read.apply(down, "failures"));
        assertTrue(read.apply(downBackend, "connectFailures") > connectFailures, "the refused connection");
    }

    @Test
    void forgedHeadersAndParametersDoNotBypass() throws Exception {
        HttpResponse<String> response = send(get("protected/page?" + MARK + "=1&USER=alice")
                .header("Authorization", "Basic bWFsbG9yeTp4") // mallory:x
                .header("Variable-USER", "alice")
                .header("USER", "alice")
                .header(MARK, "true"));

        assertDenied(response, "GET", "/ctx/protected/page?" + MARK + "=1&USER=alice");
    }

    @Test
    void anAttributeOfTheMarksNameSetByAnotherComponentDoesNotBypass() throws Exception {
        HttpResponse<String> response =
                send(get("protected/page").header("X-Forge-Name", MARK).header("X-Forge-Value", "true"));

        assertDenied(response, "GET", "/ctx/protected/page");
    }

    @Test
    void unguardedPathsDoNotAskTheAuthorizer() throws Exception {
        HttpResponse<String> response = send(get("open/page"));

        assertEquals(200, response.statusCode());
        assertEquals("USER=null", response.body().lines().findFirst().orElseThrow());
        assertNull(response.headers().firstValue("WWW-Authenticate").orElse(null));
    }

    private static void assertDenied(HttpResponse<String> response, String method, String requestUri) {
        assertEquals(401, response.statusCode(), response.body());
        assertEquals(List.of(PerlAuthorizer.CHALLENGE), response.headers().allValues("WWW-Authenticate"));
        assertEquals(
                "FCGI_ROLE=AUTHORIZER;REQUEST_METHOD=" + method + ";REQUEST_URI=" + requestUri
                        + ";CONTENT_LENGTH=<unset>;SCRIPT_NAME=<unset>;PATH_INFO=<unset>",
                response.headers().firstValue("X-Seen").orElse(null));
        assertEquals(PerlAuthorizer.DENIAL_BODY, response.body());
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(container.uri(path)).timeout(LIMIT).GET();
    }

    private HttpRequest.Builder post(String path, byte[] body) {
        return HttpRequest.newBuilder(container.uri(path))
                .timeout(LIMIT)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}

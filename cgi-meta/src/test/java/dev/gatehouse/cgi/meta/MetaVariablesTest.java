package dev.gatehouse.cgi.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.cgi.meta.CgiRequest.Header;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A request in, the exact meta-variables out (RFC 3875 §4.1), in order: inherited server
 * variables, §4.1 in the RFC's order, the common extensions, HTTP_*, then configured extras.
 */
class MetaVariablesTest {

    private static final String SOFTWARE = "Gatehouse/0.1 test-container/1";
    private static final Map<String, String> SERVER_ENV = Map.of(
            "PATH", "/usr/bin:/bin",
            "SECRET", "x",
            "HOME", "/root",
            "JAVA_TOOL_OPTIONS", "-Dsecret=1");
    private static final MetaVariablePolicy POLICY =
            new MetaVariablePolicy(SOFTWARE, false, List.of("PATH", "LANG"), Map.of());

    private static final ScriptLocation WITH_PATH_INFO = new ScriptLocation(
            "/app/cgi-bin/env.sh", "/extra/info", "/srv/app/extra/info", "/srv/app/WEB-INF/cgi/env.sh", "/srv/app");
    private static final ScriptLocation WITHOUT_PATH_INFO =
            new ScriptLocation("/app/cgi-bin/form.pl", "", null, "/srv/app/WEB-INF/cgi/form.pl", "/srv/app");

    // ---------------------------------------------------------------- request builder

    /** A GET from 192.0.2.7 to http://example.org:8080; each case changes what it is about. */
    private static final class Req {
        String method = "GET";
        String scheme = "http";
        boolean secure;
        String uri = "/app/cgi-bin/env.sh/extra/info";
        String query = "";
        int port = 8080;
        String remoteHost;
        String authType;
        String user;
        String contentType;
        long contentLength = -1;
        final List<Header> headers = new ArrayList<>(
                List.of(new Header("Host", List.of("example.org:8080")), new Header("User-Agent", List.of("t/1"))));

        Req header(String name, String... values) {
            headers.add(new Header(name, List.of(values)));
            return this;
        }

        CgiRequest build() {
            return new CgiRequest(
                    method,
                    "HTTP/1.1",
                    new CgiRequest.Target(uri, query),
                    new CgiRequest.Server(scheme, secure, "example.org", port, "198.51.100.1"),
                    new CgiRequest.Client("192.0.2.7", remoteHost, 51234, authType, user),
                    new CgiRequest.Body(contentType, contentLength),
                    headers);
        }
    }

    private static Req get() {
        return new Req();
    }

    private static Req post(String contentType, long length) {
        Req r = new Req();
        r.method = "POST";
        r.uri = "/app/cgi-bin/form.pl";
        r.contentType = contentType;
        r.contentLength = length;
        return r;
    }

    /** An ordered map from name, value pairs. */
    private static LinkedHashMap<String, String> env(String... pairs) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static void assertExactly(Map<String, String> expected, Map<String, String> actual) {
        assertEquals(expected, actual);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), "variable order");
    }

    // ---------------------------------------------------------------- the table

    record Case(
            String name,
            CgiRequest request,
            ScriptLocation location,
            MetaVariablePolicy policy,
            LinkedHashMap<String, String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> requests() {
        Req get = get();
        get.query = "a=1&b=%20";
        get.header("Accept", "text/html");

        Req getNoPathInfo = get();
        getNoPathInfo.uri = "/app/cgi-bin/form.pl";

        Req post = post("application/x-www-form-urlencoded", 11);
        post.header("Content-Type", "application/x-www-form-urlencoded").header("Content-Length", "11");

        Req head = get();
        head.method = "HEAD";
        head.uri = "/app/cgi-bin/form.pl";

        Req chunked = post("text/plain", -1);
        chunked.header("Transfer-Encoding", "chunked").header("Content-Type", "text/plain");

        Req https = get();
        https.scheme = "https";
        https.secure = true;
        https.port = 8443;
        https.uri = "/app/cgi-bin/form.pl";
        https.headers.set(0, new Header("Host", List.of("example.org:8443")));

        Req authenticated = get();
        authenticated.uri = "/app/cgi-bin/form.pl";
        authenticated.authType = "BASIC";
        authenticated.user = "ada";
        authenticated.remoteHost = "client.example";
        authenticated.header("Authorization", "Basic YWRhOnNlY3JldA==");

        return Stream.of(
                new Case(
                        "GET with query and PATH_INFO",
                        get.build(),
                        WITH_PATH_INFO,
                        POLICY,
                        env(
                                "PATH", "/usr/bin:/bin",
                                "GATEWAY_INTERFACE", "CGI/1.1",
                                "PATH_INFO", "/extra/info",
                                "PATH_TRANSLATED", "/srv/app/extra/info",
                                "QUERY_STRING", "a=1&b=%20",
                                "REMOTE_ADDR", "192.0.2.7",
                                "REMOTE_HOST", "192.0.2.7",
                                "REQUEST_METHOD", "GET",
                                "SCRIPT_NAME", "/app/cgi-bin/env.sh",
                                "SERVER_NAME", "example.org",
                                "SERVER_PORT", "8080",
                                "SERVER_PROTOCOL", "HTTP/1.1",
                                "SERVER_SOFTWARE", SOFTWARE,
                                "REQUEST_URI", "/app/cgi-bin/env.sh/extra/info?a=1&b=%20",
                                "SCRIPT_FILENAME", "/srv/app/WEB-INF/cgi/env.sh",
                                "DOCUMENT_ROOT", "/srv/app",
                                "REMOTE_PORT", "51234",
                                "SERVER_ADDR", "198.51.100.1",
                                "REQUEST_SCHEME", "http",
                                "REDIRECT_STATUS", "200",
                                "HTTP_HOST", "example.org:8080",
                                "HTTP_USER_AGENT", "t/1",
                                "HTTP_ACCEPT", "text/html")),
                new Case(
                        "GET without PATH_INFO: no PATH_INFO, no PATH_TRANSLATED, empty QUERY_STRING",
                        getNoPathInfo.build(),
                        WITHOUT_PATH_INFO,
                        POLICY,
                        env(
                                "PATH", "/usr/bin:/bin",
                                "GATEWAY_INTERFACE", "CGI/1.1",
                                "QUERY_STRING", "",
                                "REMOTE_ADDR", "192.0.2.7",
                                "REMOTE_HOST", "192.0.2.7",
                                "REQUEST_METHOD", "GET",
                                "SCRIPT_NAME", "/app/cgi-bin/form.pl",
                                "SERVER_NAME", "example.org",
                                "SERVER_PORT", "8080",
                                "SERVER_PROTOCOL", "HTTP/1.1",
                                "SERVER_SOFTWARE", SOFTWARE,
                                "REQUEST_URI", "/app/cgi-bin/form.pl",
                                "SCRIPT_FILENAME", "/srv/app/WEB-INF/cgi/form.pl",
                                "DOCUMENT_ROOT", "/srv/app",
                                "REMOTE_PORT", "51234",
                                "SERVER_ADDR", "198.51.100.1",
                                "REQUEST_SCHEME", "http",
                                "REDIRECT_STATUS", "200",
                                "HTTP_HOST", "example.org:8080",
                                "HTTP_USER_AGENT", "t/1")),
                new Case(
                        "POST with body and content type",
                        post.build(),
                        WITHOUT_PATH_INFO,
                        POLICY,
                        env(
                                "PATH", "/usr/bin:/bin",
                                "CONTENT_LENGTH", "11",
                                "CONTENT_TYPE", "application/x-www-form-urlencoded",
                                "GATEWAY_INTERFACE", "CGI/1.1",
                                "QUERY_STRING", "",
                                "REMOTE_ADDR", "192.0.2.7",
                                "REMOTE_HOST", "192.0.2.7",
                                "REQUEST_METHOD", "POST",
                                "SCRIPT_NAME", "/app/cgi-bin/form.pl",
                                "SERVER_NAME", "example.org",
                                "SERVER_PORT", "8080",
                                "SERVER_PROTOCOL", "HTTP/1.1",
                                "SERVER_SOFTWARE", SOFTWARE,
                                "REQUEST_URI", "/app/cgi-bin/form.pl",
                                "SCRIPT_FILENAME", "/srv/app/WEB-INF/cgi/form.pl",
                                "DOCUMENT_ROOT", "/srv/app",
                                "REMOTE_PORT", "51234",
                                "SERVER_ADDR", "198.51.100.1",
                                "REQUEST_SCHEME", "http",
                                "REDIRECT_STATUS", "200",
                                "HTTP_HOST", "example.org:8080",
                                "HTTP_USER_AGENT", "t/1")),
                new Case(
                        "HEAD",
                        head.build(),
                        WITHOUT_PATH_INFO,
                        POLICY,
                        env(
                                "PATH", "/usr/bin:/bin",
                                "GATEWAY_INTERFACE", "CGI/1.1",
                                "QUERY_STRING", "",
                                "REMOTE_ADDR", "192.0.2.7",
                                "REMOTE_HOST", "192.0.2.7",
                                "REQUEST_METHOD", "HEAD",
                                "SCRIPT_NAME", "/app/cgi-bin/form.pl",
                                "SERVER_NAME", "example.org",
                                "SERVER_PORT", "8080",
                                "SERVER_PROTOCOL", "HTTP/1.1",
                                "SERVER_SOFTWARE", SOFTWARE,
                                "REQUEST_URI", "/app/cgi-bin/form.pl",
                                "SCRIPT_FILENAME", "/srv/app/WEB-INF/cgi/form.pl",
                                "DOCUMENT_ROOT", "/srv/app",
                                "REMOTE_PORT", "51234",
                                "SERVER_ADDR", "198.51.100.1",
                                "REQUEST_SCHEME", "http",
                                "REDIRECT_STATUS", "200",
                                "HTTP_HOST", "example.org:8080",
                                "HTTP_USER_AGENT", "t/1")),
                new Case(
                        "chunked body streamed: no CONTENT_LENGTH, no HTTP_TRANSFER_ENCODING",
                        chunked.build(),
                        WITHOUT_PATH_INFO,
                        POLICY,
                        env(
                                "PATH", "/usr/bin:/bin",
                                "CONTENT_TYPE", "text/plain",
                                "GATEWAY_INTERFACE", "CGI/1.1",
                                "QUERY_STRING", "",
                                "REMOTE_ADDR", "192.0.2.7",
                                "REMOTE_HOST", "192.0.2.7",
                                "REQUEST_METHOD", "POST",
                                "SCRIPT_NAME", "/app/cgi-bin/form.pl",
                                "SERVER_NAME", "example.org",
                                "SERVER_PORT", "8080",
                                "SERVER_PROTOCOL", "HTTP/1.1",
                                "SERVER_SOFTWARE", SOFTWARE,
                                "REQUEST_URI", "/app/cgi-bin/form.pl",
                                "SCRIPT_FILENAME", "/srv/app/WEB-INF/cgi/form.pl",
                                "DOCUMENT_ROOT", "/srv/app",
                                "REMOTE_PORT", "51234",
                                "SERVER_ADDR", "198.51.100.1",
                                "REQUEST_SCHEME", "http",
                                "REDIRECT_STATUS", "200",
                                "HTTP_HOST", "example.org:8080",
                                "HTTP_USER_AGENT", "t/1")),
                new Case(
                        "chunked body spooled: CONTENT_LENGTH from the spool",
                        chunked.build().withContentLength(5),
                        WITHOUT_PATH_INFO,
                        POLICY,
                        env(
                                "PATH", "/usr/bin:/bin",
                                "CONTENT_LENGTH", "5",
                                "CONTENT_TYPE", "text/plain",
                                "GATEWAY_INTERFACE", "CGI/1.1",
                                "QUERY_STRING", "",
                                "REMOTE_ADDR", "192.0.2.7",
                                "REMOTE_HOST", "192.0.2.7",
                                "REQUEST_METHOD", "POST",
                                "SCRIPT_NAME", "/app/cgi-bin/form.pl",
                                "SERVER_NAME", "example.org",
                                "SERVER_PORT", "8080",
                                "SERVER_PROTOCOL", "HTTP/1.1",
                                "SERVER_SOFTWARE", SOFTWARE,
                                "REQUEST_URI", "/app/cgi-bin/form.pl",
                                "SCRIPT_FILENAME", "/srv/app/WEB-INF/cgi/form.pl",
                                "DOCUMENT_ROOT", "/srv/app",
                                "REMOTE_PORT", "51234",
                                "SERVER_ADDR", "198.51.100.1",
                                "REQUEST_SCHEME", "http",
                                "REDIRECT_STATUS", "200",
                                "HTTP_HOST", "example.org:8080",
                                "HTTP_USER_AGENT", "t/1")),
                new Case(
                        "HTTPS",
                        https.build(),
                        WITHOUT_PATH_INFO,
                        POLICY,
                        env(
                                "PATH", "/usr/bin:/bin",
                                "GATEWAY_INTERFACE", "CGI/1.1",
                                "QUERY_STRING", "",
                                "REMOTE_ADDR", "192.0.2.7",
                                "REMOTE_HOST", "192.0.2.7",
                                "REQUEST_METHOD", "GET",
                                "SCRIPT_NAME", "/app/cgi-bin/form.pl",
                                "SERVER_NAME", "example.org",
                                "SERVER_PORT", "8443",
                                "SERVER_PROTOCOL", "HTTP/1.1",
                                "SERVER_SOFTWARE", SOFTWARE,
                                "REQUEST_URI", "/app/cgi-bin/form.pl",
                                "SCRIPT_FILENAME", "/srv/app/WEB-INF/cgi/form.pl",
                                "DOCUMENT_ROOT", "/srv/app",
                                "REMOTE_PORT", "51234",
                                "SERVER_ADDR", "198.51.100.1",
                                "REQUEST_SCHEME", "https",
                                "HTTPS", "on",
                                "REDIRECT_STATUS", "200",
                                "HTTP_HOST", "example.org:8443",
                                "HTTP_USER_AGENT", "t/1")),
                new Case(
                        "authenticated user, Authorization withheld",
                        authenticated.build(),
                        WITHOUT_PATH_INFO,
                        POLICY,
                        env(
                                "PATH", "/usr/bin:/bin",
                                "AUTH_TYPE", "BASIC",
                                "GATEWAY_INTERFACE", "CGI/1.1",
                                "QUERY_STRING", "",
                                "REMOTE_ADDR", "192.0.2.7",
                                "REMOTE_HOST", "client.example",
                                "REMOTE_USER", "ada",
                                "REQUEST_METHOD", "GET",
                                "SCRIPT_NAME", "/app/cgi-bin/form.pl",
                                "SERVER_NAME", "example.org",
                                "SERVER_PORT", "8080",
                                "SERVER_PROTOCOL", "HTTP/1.1",
                                "SERVER_SOFTWARE", SOFTWARE,
                                "REQUEST_URI", "/app/cgi-bin/form.pl",
                                "SCRIPT_FILENAME", "/srv/app/WEB-INF/cgi/form.pl",
                                "DOCUMENT_ROOT", "/srv/app",
                                "REMOTE_PORT", "51234",
                                "SERVER_ADDR", "198.51.100.1",
                                "REQUEST_SCHEME", "http",
                                "REDIRECT_STATUS", "200",
                                "HTTP_HOST", "example.org:8080",
                                "HTTP_USER_AGENT", "t/1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void buildsExactlyTheseVariablesInThisOrder(Case c) {
        assertExactly(c.expected(), MetaVariables.of(c.request(), c.location(), c.policy(), SERVER_ENV));
    }

    @Test
    void rfcVariablesComeInSection41OrderThenExtensionsThenHttp() {
        Req r = post("text/plain", 3);
        r.authType = "DIGEST";
        r.user = "u";
        r.secure = true;
        r.scheme = "https";
        r.query = "q";
        r.header("Accept", "*/*");
        List<String> keys = List.copyOf(MetaVariables.of(
                        r.build(),
                        WITH_PATH_INFO,
                        new MetaVariablePolicy(SOFTWARE, false, List.of(), Map.of()),
                        Map.of())
                .keySet());
        assertEquals(
                List.of(
                        // RFC 3875 §4.1.1 – §4.1.17, alphabetical as in the RFC (REMOTE_IDENT never set)
                        "AUTH_TYPE",
                        "CONTENT_LENGTH",
                        "CONTENT_TYPE",
                        "GATEWAY_INTERFACE",
                        "PATH_INFO",
                        "PATH_TRANSLATED",
                        "QUERY_STRING",
                        "REMOTE_ADDR",
                        "REMOTE_HOST",
                        "REMOTE_USER",
                        "REQUEST_METHOD",
                        "SCRIPT_NAME",
                        "SERVER_NAME",
                        "SERVER_PORT",
                        "SERVER_PROTOCOL",
                        "SERVER_SOFTWARE",
                        // common extensions
                        "REQUEST_URI",
                        "SCRIPT_FILENAME",
                        "DOCUMENT_ROOT",
                        "REMOTE_PORT",
                        "SERVER_ADDR",
                        "REQUEST_SCHEME",
                        "HTTPS",
                        "REDIRECT_STATUS",
                        // §4.1.18, in header arrival order
                        "HTTP_HOST",
                        "HTTP_USER_AGENT",
                        "HTTP_ACCEPT"),
                keys);
    }

    // ---------------------------------------------------------------- body meta-variables

    @Test
    void chunkedRequestHasABodyOfUnknownLengthUntilSpooled() {
        CgiRequest chunked = post("text/plain", -1)
                .header("Transfer-Encoding", "gzip, chunked")
                .build();
        assertTrue(chunked.isChunked());
        assertTrue(chunked.hasBody());
        CgiRequest spooled = chunked.withContentLength(0);
        assertFalse(spooled.isChunked());
        assertFalse(spooled.hasBody());
        assertEquals(
                "0",
                MetaVariables.of(spooled, WITHOUT_PATH_INFO, POLICY, Map.of()).get("CONTENT_LENGTH"));
        assertEquals(
                spooled,
                new CgiRequest(
                        chunked.method(),
                        chunked.protocol(),
                        chunked.target(),
                        chunked.server(),
                        chunked.client(),
                        new CgiRequest.Body(chunked.body().type(), 0),
                        chunked.headers()),
                "withContentLength changes the length only");
    }

    @Test
    void pathTranslatedIsLeftOutWhenPathInfoIsEmpty() {
        ScriptLocation emptyPathInfoButTranslated =
                new ScriptLocation("/app/cgi-bin/form.pl", "", "/srv/app", "/srv/app/WEB-INF/cgi/form.pl", "/srv/app");
        Map<String, String> env = MetaVariables.of(get().build(), emptyPathInfoButTranslated, POLICY, Map.of());
        assertFalse(env.containsKey("PATH_INFO"), env.toString());
        assertFalse(env.containsKey("PATH_TRANSLATED"), env.toString());
    }

    @Test
    void documentUriIsLeftOutForCgiAndFollowsDocumentRootWhenGiven() {
        assertFalse(MetaVariables.of(get().build(), WITH_PATH_INFO, POLICY, Map.of())
                .containsKey("DOCUMENT_URI"));

        ScriptLocation withUri = new ScriptLocation(
                "/app/index.php", "/blog/1", "/srv/app/blog/1", "/srv/app/index.php", "/srv/app", "/app/index.php");
        List<String> keys = List.copyOf(
                MetaVariables.of(get().build(), withUri, POLICY, Map.of()).keySet());
        assertEquals(keys.indexOf("DOCUMENT_ROOT") + 1, keys.indexOf("DOCUMENT_URI"), keys.toString());
        assertEquals(
                "/app/index.php",
                MetaVariables.of(get().build(), withUri, POLICY, Map.of()).get("DOCUMENT_URI"));
    }

    // ---------------------------------------------------------------- security defaults

    @Test
    void proxyHeaderIsNeverPassed() {
        // httpoxy (CVE-2016-5388): HTTP_PROXY would be read as the proxy for the script's own requests
        CgiRequest request = get().header("Proxy", "http://evil.example:8080/").build();
        Map<String, String> env = MetaVariables.of(request, WITHOUT_PATH_INFO, POLICY, Map.of());
        assertFalse(env.containsKey("HTTP_PROXY"), env.toString());
        assertFalse(env.containsValue("http://evil.example:8080/"), env.toString());
        assertNull(MetaVariables.httpVariableName("proxy", true));
        assertNull(MetaVariables.httpVariableName("PROXY", true));
    }

    @Test
    void proxyCredentialsAreNeverPassedEvenWithAuthorizationOn() {
        CgiRequest request =
                get().header("Proxy-Authorization", "Basic cHJveHk6c2VjcmV0").build();
        Map<String, String> env = MetaVariables.of(request, WITHOUT_PATH_INFO, POLICY, Map.of());
        assertFalse(env.containsKey("HTTP_PROXY_AUTHORIZATION"), env.toString());
        assertNull(MetaVariables.httpVariableName("Proxy-Authorization", true));
    }

    @Test
    void headerWithUnderscoreCannotForgeTheHyphenatedOne() {
        CgiRequest request = get().header("X-Forwarded-For", "203.0.113.5")
                .header("X_Forwarded_For", "127.0.0.1")
                .header("Proxy_Authorization", "forged")
                .build();
        Map<String, String> env = MetaVariables.of(request, WITHOUT_PATH_INFO, POLICY, Map.of());
        assertEquals("203.0.113.5", env.get("HTTP_X_FORWARDED_FOR"));
        assertFalse(env.containsKey("HTTP_PROXY_AUTHORIZATION"), env.toString());
        assertFalse(env.containsValue("127.0.0.1"), env.toString());
    }

    @Test
    void headerWhoseNameIsNotATokenIsDropped() {
        CgiRequest request = get().header("X Foo", "1")
                .header("X:Foo", "2")
                .header("X-\u00c4", "3")
                .header("", "4")
                .build();
        Map<String, String> env = MetaVariables.of(request, WITHOUT_PATH_INFO, POLICY, Map.of());
        assertEquals(
                List.of("HTTP_HOST", "HTTP_USER_AGENT"),
                env.keySet().stream().filter(k -> k.startsWith("HTTP_")).toList());
    }

    @Test
    void authorizationIsPassedOnlyWhenThePolicyAllowsIt() {
        CgiRequest request = get().header("Authorization", "Bearer t0k3n").build();
        Map<String, String> withheld = MetaVariables.of(request, WITHOUT_PATH_INFO, POLICY, Map.of());
        assertFalse(withheld.containsKey("HTTP_AUTHORIZATION"), withheld.toString());
        assertFalse(withheld.containsValue("Bearer t0k3n"), withheld.toString());

        MetaVariablePolicy allow = new MetaVariablePolicy(SOFTWARE, true, List.of(), Map.of());
        Map<String, String> passed = MetaVariables.of(request, WITHOUT_PATH_INFO, allow, Map.of());
        assertEquals("Bearer t0k3n", passed.get("HTTP_AUTHORIZATION"));
    }

    @Test
    void contentTypeAndLengthAreNotDuplicatedAsHttpVariables() {
        CgiRequest request = post("text/plain", 4)
                .header("Content-Type", "text/plain")
                .header("content-length", "4")
                .build();
        Map<String, String> env = MetaVariables.of(request, WITHOUT_PATH_INFO, POLICY, Map.of());
        assertEquals("text/plain", env.get("CONTENT_TYPE"));
        assertEquals("4", env.get("CONTENT_LENGTH"));
        assertFalse(env.containsKey("HTTP_CONTENT_TYPE"), env.toString());
        assertFalse(env.containsKey("HTTP_CONTENT_LENGTH"), env.toString());
    }

    @Test
    void onlyNamedServerVariablesAreInherited() {
        Map<String, String> serverEnv = new LinkedHashMap<>(SERVER_ENV);
        serverEnv.put("LANG", "C.UTF-8");
        Map<String, String> env = MetaVariables.of(get().build(), WITHOUT_PATH_INFO, POLICY, serverEnv);
        assertEquals("/usr/bin:/bin", env.get("PATH"));
        assertEquals("C.UTF-8", env.get("LANG"));
        for (String leaked : List.of("SECRET", "HOME", "JAVA_TOOL_OPTIONS")) {
            assertFalse(env.containsKey(leaked), leaked + " leaked: " + env);
        }
        assertFalse(env.containsValue("x"), env.toString());
    }

    @Test
    void namedServerVariableMissingFromTheServerIsLeftOut() {
        Map<String, String> env = MetaVariables.of(get().build(), WITHOUT_PATH_INFO, POLICY, Map.of());
        assertFalse(env.containsKey("PATH"), env.toString());
        assertFalse(env.containsKey("LANG"), env.toString());
    }

    @Test
    void inheritedVariableCannotOverrideAMetaVariable() {
        MetaVariablePolicy policy =
                new MetaVariablePolicy(SOFTWARE, false, List.of("QUERY_STRING", "SCRIPT_NAME"), Map.of());
        Req r = get();
        r.query = "real";
        Map<String, String> env = MetaVariables.of(
                r.build(),
                WITHOUT_PATH_INFO,
                policy,
                Map.of("QUERY_STRING", "from-server", "SCRIPT_NAME", "/from-server"));
        assertEquals("real", env.get("QUERY_STRING"));
        assertEquals("/app/cgi-bin/form.pl", env.get("SCRIPT_NAME"));
    }

    @Test
    void inheritedHttpVariableIsReplacedByTheHeaderNotJoinedWithIt() {
        // the request's own header must win as every other meta-variable does; joining it to the
        // server's value yields a value that neither the client nor the operator sent
        MetaVariablePolicy policy = new MetaVariablePolicy(SOFTWARE, false, List.of("HTTP_HOST"), Map.of());
        Map<String, String> env =
                MetaVariables.of(get().build(), WITHOUT_PATH_INFO, policy, Map.of("HTTP_HOST", "server.internal"));
        assertEquals("example.org:8080", env.get("HTTP_HOST"));
    }

    @Test
    void configuredExtraVariablesComeLastAndWin() {
        MetaVariablePolicy policy = new MetaVariablePolicy(SOFTWARE, false, List.of(), Map.of("GATEHOUSE_SAMPLE", "1"));
        Map<String, String> env = MetaVariables.of(get().build(), WITHOUT_PATH_INFO, policy, SERVER_ENV);
        List<String> keys = List.copyOf(env.keySet());
        assertEquals("GATEHOUSE_SAMPLE", keys.get(keys.size() - 1));
        assertEquals("1", env.get("GATEHOUSE_SAMPLE"));

        MetaVariablePolicy overriding =
                new MetaVariablePolicy(SOFTWARE, false, List.of(), Map.of("SERVER_SOFTWARE", "Hidden"));
        assertEquals(
                "Hidden",
                MetaVariables.of(get().build(), WITHOUT_PATH_INFO, overriding, SERVER_ENV)
                        .get("SERVER_SOFTWARE"));
    }

    // ---------------------------------------------------------------- repeated headers

    @Test
    void repeatedHeadersAreJoinedWithCommaAndCookiesWithSemicolon() {
        CgiRequest request = get().header("Accept", "text/html", "application/json")
                .header("X-Trace", "a")
                .header("x-trace", "b")
                .header("Cookie", "a=1", "b=2")
                .header("cookie", "c=3")
                .build();
        Map<String, String> env = MetaVariables.of(request, WITHOUT_PATH_INFO, POLICY, Map.of());
        assertEquals("text/html, application/json", env.get("HTTP_ACCEPT"));
        assertEquals("a, b", env.get("HTTP_X_TRACE"));
        assertEquals("a=1; b=2; c=3", env.get("HTTP_COOKIE"));
    }

    @Test
    void headerWithoutValuesIsLeftOut() {
        CgiRequest request = get().header("X-Empty").build();
        assertFalse(
                MetaVariables.of(request, WITHOUT_PATH_INFO, POLICY, Map.of()).containsKey("HTTP_X_EMPTY"));
    }

    // ---------------------------------------------------------------- header names

    record Name(String header, boolean passAuthorization, String variable) {
        @Override
        public String toString() {
            return header + (passAuthorization ? " (auth passed)" : "") + " -> " + variable;
        }
    }

    static Stream<Name> names() {
        return Stream.of(
                new Name("Accept-Language", false, "HTTP_ACCEPT_LANGUAGE"),
                new Name("x-custom-v2", false, "HTTP_X_CUSTOM_V2"),
                // PHP folds '.' (and more) into '_' in $_SERVER: each would forge a real header
                new Name("x-custom.v2", false, null),
                new Name("X.Forwarded.For", false, null),
                new Name("Remote.User", false, null),
                new Name("X!Forwarded", false, null),
                new Name("X#Forwarded", false, null),
                new Name("X$Forwarded", false, null),
                new Name("X%Forwarded", false, null),
                new Name("X&Forwarded", false, null),
                new Name("X'Forwarded", false, null),
                new Name("X*Forwarded", false, null),
                new Name("X+Forwarded", false, null),
                new Name("X^Forwarded", false, null),
                new Name("X`Forwarded", false, null),
                new Name("X|Forwarded", false, null),
                new Name("X~Forwarded", false, null),
                new Name("If-None-Match", false, "HTTP_IF_NONE_MATCH"),
                new Name("Authorization", false, null),
                new Name("authorization", true, "HTTP_AUTHORIZATION"),
                new Name("Proxy", true, null),
                new Name("Content-Type", false, null),
                new Name("CONTENT-LENGTH", false, null),
                new Name("Connection", false, null),
                new Name("Transfer-Encoding", false, null),
                new Name("X_Forwarded_For", false, null),
                new Name("X Forwarded", false, null),
                new Name("", false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void httpVariableName(Name n) {
        assertEquals(n.variable(), MetaVariables.httpVariableName(n.header(), n.passAuthorization()));
    }
}

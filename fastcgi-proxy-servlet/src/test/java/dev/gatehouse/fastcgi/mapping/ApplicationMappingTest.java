package dev.gatehouse.fastcgi.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.cgi.meta.CgiRequest;
import dev.gatehouse.cgi.meta.CgiRequest.Header;
import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.cgi.meta.ScriptLocation;
import dev.gatehouse.fastcgi.FastCgiConfig;
import dev.gatehouse.fastcgi.protocol.NameValuePair;
import jakarta.servlet.http.MappingMatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code scriptName=mapping}: the servlet mapping's parts in, SCRIPT_NAME and PATH_INFO out, as a
 * WSGI application needs them (PEP 3333), under the root context and a context path, for each
 * kind of mapping. No case names a file: nothing here has a document root to look in.
 */
class ApplicationMappingTest {

    /**
     * What the container hands the servlet for one request (decoded servlet path and path info),
     * and what the application must see.
     */
    record Case(
            String mapping,
            String context,
            MappingMatch match,
            String servletPath,
            String pathInfo,
            String scriptName,
            String expectedPathInfo) {
        @Override
        public String toString() {
            return mapping + " in '" + context + "': " + servletPath + " + " + pathInfo;
        }
    }

    static Stream<Case> mappings() {
        return Stream.of(
                new Case("/app/*", "/ctx", MappingMatch.PATH, "/app", "/users/7", "/ctx/app", "/users/7"),
                new Case("/app/*", "", MappingMatch.PATH, "/app", "/users/7", "/app", "/users/7"),
                new Case("/app/*", "/ctx", MappingMatch.PATH, "/app", "/", "/ctx/app", "/"),
                new Case("/app/*", "/ctx", MappingMatch.PATH, "/app", null, "/ctx/app", ""),
                new Case("/*", "/ctx", MappingMatch.PATH, "", "/users/7", "/ctx", "/users/7"),
                new Case("/*", "", MappingMatch.PATH, "", "/users/7", "", "/users/7"),
                new Case("/*", "", MappingMatch.PATH, "", "/", "", "/"),
                // the default servlet's servlet path is the whole path
                new Case("/", "/ctx", MappingMatch.DEFAULT, "/users/7", null, "/ctx", "/users/7"),
                new Case("/", "", MappingMatch.DEFAULT, "/users/7", null, "", "/users/7"),
                new Case("/", "", MappingMatch.DEFAULT, "/", null, "", "/"),
                new Case("\"\"", "/ctx", MappingMatch.CONTEXT_ROOT, "", "/", "/ctx", "/"),
                new Case("/app", "/ctx", MappingMatch.EXACT, "/app", null, "/ctx/app", ""),
                new Case("*.wsgi", "/ctx", MappingMatch.EXTENSION, "/x/run.wsgi", null, "/ctx/x/run.wsgi", ""),
                // decoded, as the container hands them: the application gets PATH_INFO decoded
                new Case("/app/*", "/ctx", MappingMatch.PATH, "/app", "/café/a b", "/ctx/app", "/café/a b"),
                // not files, and names a file resolution would refuse
                new Case("/*", "", MappingMatch.PATH, "", "/.well-known/x.php/y", "", "/.well-known/x.php/y"),
                new Case(
                        "/app/*",
                        "/ctx",
                        MappingMatch.PATH,
                        "/app",
                        "/static/none.css/",
                        "/ctx/app",
                        "/static/none.css/"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mappings")
    void scriptNameIsTheMappingAndPathInfoTheRest(Case c) {
        Route route = ApplicationMapping.map(c.context(), c.match(), c.servletPath(), c.pathInfo());
        ScriptLocation expected = new ScriptLocation(
                c.scriptName(), c.expectedPathInfo(), null, null, null, c.scriptName() + c.expectedPathInfo());
        assertEquals(new Route.Script(expected), route);
    }

    @Test
    void dotSegmentsNeverReachTheApplication() {
        for (String info : List.of("/a/../b", "/..", "/./x", "/a/.")) {
            Route route = ApplicationMapping.map("/ctx", MappingMatch.PATH, "/app", info);
            assertEquals(Route.NotFound.class, route.getClass(), info);
        }
    }

    /**
     * The PARAMS of {@code GET /ctx/app/caf%C3%A9/a%20b?x=1} to {@code /app/*}: PATH_INFO decoded
     * (RFC 3875 §4.1.5), REQUEST_URI and QUERY_STRING as sent, and no file variables.
     */
    @Test
    void paramsOfAMappedRequest() {
        CgiRequest request = new CgiRequest(
                "GET",
                "HTTP/1.1",
                new CgiRequest.Target("/ctx/app/caf%C3%A9/a%20b", "x=1"),
                new CgiRequest.Server("http", false, "example.org", 8080, "198.51.100.1"),
                new CgiRequest.Client("192.0.2.7", null, 51234, null, null),
                new CgiRequest.Body(null, -1),
                List.of(new Header("Host", List.of("example.org:8080"))));
        Route.Script route = (Route.Script) ApplicationMapping.map("/ctx", MappingMatch.PATH, "/app", "/café/a b");
        MetaVariablePolicy policy =
                FastCgiConfig.parse(Map.of("scriptName", "mapping")::get).policy("Gatehouse test");
        Map<String, String> params = new LinkedHashMap<>();
        for (NameValuePair p : FastCgiParams.of(request, route.location(), policy)) {
            params.put(p.name(), p.value());
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("GATEWAY_INTERFACE", "CGI/1.1");
        expected.put("PATH_INFO", "/café/a b");
        expected.put("QUERY_STRING", "x=1");
        expected.put("REMOTE_ADDR", "192.0.2.7");
        expected.put("REMOTE_HOST", "192.0.2.7");
        expected.put("REQUEST_METHOD", "GET");
        expected.put("SCRIPT_NAME", "/ctx/app");
        expected.put("SERVER_NAME", "example.org");
        expected.put("SERVER_PORT", "8080");
        expected.put("SERVER_PROTOCOL", "HTTP/1.1");
        expected.put("SERVER_SOFTWARE", "Gatehouse test");
        expected.put("REQUEST_URI", "/ctx/app/caf%C3%A9/a%20b?x=1");
        expected.put("DOCUMENT_URI", "/ctx/app/café/a b");
        expected.put("REMOTE_PORT", "51234");
        expected.put("SERVER_ADDR", "198.51.100.1");
        expected.put("REQUEST_SCHEME", "http");
        expected.put("REDIRECT_STATUS", "200");
        expected.put("HTTP_HOST", "example.org:8080");
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(params.entrySet()));
    }
}

package dev.gatehouse.fastcgi.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.cgi.meta.CgiRequest;
import dev.gatehouse.cgi.meta.CgiRequest.Header;
import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.cgi.meta.ScriptLocation;
import dev.gatehouse.fastcgi.FastCgiConfig;
import dev.gatehouse.fastcgi.protocol.NameValuePair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A request and its script target in, the exact PARAMS out, in order. */
class FastCgiParamsTest {

    private static final String SOFTWARE = "Gatehouse/0.1 test-container/1";
    private static final MetaVariablePolicy DEFAULT =
            FastCgiConfig.parse(name -> null).policy(SOFTWARE);

    private static final ScriptLocation HELLO = new ScriptLocation(
            "/ctx/hello.php", "/a/b", "/srv/www/a/b", "/srv/www/hello.php", "/srv/www", "/ctx/hello.php/a/b");
    private static final ScriptLocation FRONT = new ScriptLocation(
            "/index.php", "/blog/post", "/srv/www/blog/post", "/srv/www/index.php", "/srv/www", "/index.php");
    private static final ScriptLocation INDEX =
            new ScriptLocation("/sub/index.php", "", null, "/srv/www/sub/index.php", "/srv/www", "/sub/index.php");

    /** A GET from 192.0.2.7 to http://example.org:8080; each case changes what it is about. */
    private static final class Req {
        String method = "GET";
        String scheme = "http";
        boolean secure;
        String uri = "/ctx/hello.php/a/b";
        String query = "";
        int port = 8080;
        String contentType;
        long contentLength = -1;
        final List<Header> headers = new ArrayList<>(List.of(new Header("Host", List.of("example.org:8080"))));

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
                    new CgiRequest.Client("192.0.2.7", null, 51234, null, null),
                    new CgiRequest.Body(contentType, contentLength),
                    headers);
        }
    }

    private static List<NameValuePair> params(String... pairs) {
        List<NameValuePair> list = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            list.add(new NameValuePair(pairs[i], pairs[i + 1]));
        }
        return list;
    }

    record Case(
            String name,
            CgiRequest request,
            ScriptLocation target,
            MetaVariablePolicy policy,
            List<NameValuePair> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> requests() {
        Req get = new Req();
        get.query = "x=1&y=%20";
        get.header("Accept", "text/html")
                .header("Proxy", "http://evil.example/")
                .header("X_Forwarded_For", "127.0.0.1")
                .header("Authorization", "Basic YTpi")
                .header("Proxy-Authorization", "Basic cDpx");

        Req front = new Req();
        front.uri = "/blog/post";
        front.query = "page=2";

        Req post = new Req();
        post.method = "POST";
        post.scheme = "https";
        post.secure = true;
        post.port = 8443;
        post.uri = "/sub/";
        post.contentType = "application/json";
        post.header("Transfer-Encoding", "chunked")
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer t0k3n")
                .header("Cookie", "a=1", "b=2");
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("APP_ENV", "prod");
        extra.put("SERVER_SOFTWARE", "hidden");
        extra.put("PHP_VALUE", "memory_limit=256M");
        MetaVariablePolicy withAuthAndExtra = FastCgiConfig.parse(Map.of(
                        "passAuthorization", "true",
                        "params", "APP_ENV=prod\nSERVER_SOFTWARE=hidden\nPHP_VALUE=memory_limit=256M")::get)
                .policy(SOFTWARE);

        return Stream.of(
                new Case(
                        "GET a script with PATH_INFO: Proxy, underscore names and credentials withheld",
                        get.build(),
                        HELLO,
                        DEFAULT,
                        params(
                                "GATEWAY_INTERFACE", "CGI/1.1",
                                "PATH_INFO", "/a/b",
                                "PATH_TRANSLATED", "/srv/www/a/b",
                                "QUERY_STRING", "x=1&y=%20",
                                "REMOTE_ADDR", "192.0.2.7",
                                "REMOTE_HOST", "192.0.2.7",
                                "REQUEST_METHOD", "GET",
                                "SCRIPT_NAME", "/ctx/hello.php",
                                "SERVER_NAME", "example.org",
                                "SERVER_PORT", "8080",
                                "SERVER_PROTOCOL", "HTTP/1.1",
                                "SERVER_SOFTWARE", SOFTWARE,
                                "REQUEST_URI", "/ctx/hello.php/a/b?x=1&y=%20",
                                "SCRIPT_FILENAME", "/srv/www/hello.php",
                                "DOCUMENT_ROOT", "/srv/www",
                                "DOCUMENT_URI", "/ctx/hello.php/a/b",
                                "REMOTE_PORT", "51234",
                                "SERVER_ADDR", "198.51.100.1",
                                "REQUEST_SCHEME", "http",
                                "REDIRECT_STATUS", "200",
                                "HTTP_HOST", "example.org:8080",
                                "HTTP_ACCEPT", "text/html")),
                new Case(
                        "front controller: original path as PATH_INFO and REQUEST_URI",
                        front.build(),
                        FRONT,
                        DEFAULT,
                        params(
                                "GATEWAY_INTERFACE", "CGI/1.1",
                                "PATH_INFO", "/blog/post",
                                "PATH_TRANSLATED", "/srv/www/blog/post",
                                "QUERY_STRING", "page=2",
                                "REMOTE_ADDR", "192.0.2.7",
                                "REMOTE_HOST", "192.0.2.7",
                                "REQUEST_METHOD", "GET",
                                "SCRIPT_NAME", "/index.php",
                                "SERVER_NAME", "example.org",
                                "SERVER_PORT", "8080",
                                "SERVER_PROTOCOL", "HTTP/1.1",
                                "SERVER_SOFTWARE", SOFTWARE,
                                "REQUEST_URI", "/blog/post?page=2",
                                "SCRIPT_FILENAME", "/srv/www/index.php",
                                "DOCUMENT_ROOT", "/srv/www",
                                "DOCUMENT_URI", "/index.php",
                                "REMOTE_PORT", "51234",
                                "SERVER_ADDR", "198.51.100.1",
                                "REQUEST_SCHEME", "http",
                                "REDIRECT_STATUS", "200",
                                "HTTP_HOST", "example.org:8080")),
                new Case(
                        "HTTPS POST of a spooled chunked body to a directory index, Authorization on, extra params",
                        post.build().withContentLength(42),
                        INDEX,
                        withAuthAndExtra,
                        params(
                                "CONTENT_LENGTH", "42",
                                "CONTENT_TYPE", "application/json",
                                "GATEWAY_INTERFACE", "CGI/1.1",
                                "QUERY_STRING", "",
                                "REMOTE_ADDR", "192.0.2.7",
                                "REMOTE_HOST", "192.0.2.7",
                                "REQUEST_METHOD", "POST",
                                "SCRIPT_NAME", "/sub/index.php",
                                "SERVER_NAME", "example.org",
                                "SERVER_PORT", "8443",
                                "SERVER_PROTOCOL", "HTTP/1.1",
                                "SERVER_SOFTWARE", "hidden",
                                "REQUEST_URI", "/sub/",
                                "SCRIPT_FILENAME", "/srv/www/sub/index.php",
                                "DOCUMENT_ROOT", "/srv/www",
                                "DOCUMENT_URI", "/sub/index.php",
                                "REMOTE_PORT", "51234",
                                "SERVER_ADDR", "198.51.100.1",
                                "REQUEST_SCHEME", "https",
                                "HTTPS", "on",
                                "REDIRECT_STATUS", "200",
                                "HTTP_HOST", "example.org:8080",
                                "HTTP_AUTHORIZATION", "Bearer t0k3n",
                                "HTTP_COOKIE", "a=1; b=2",
                                "APP_ENV", "prod",
                                "PHP_VALUE", "memory_limit=256M")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void params(Case c) {
        assertEquals(c.expected(), FastCgiParams.of(c.request(), c.target(), c.policy()));
    }

    @Test
    void policyPassesNoServerEnvironment() {
        MetaVariablePolicy policy =
                FastCgiConfig.parse(Map.of("passAuthorization", "true")::get).policy(SOFTWARE);
        assertEquals(new MetaVariablePolicy(SOFTWARE, true, List.of(), Map.of()), policy);
    }

    /** The values of the former ScriptTarget, in the shared type's order: no adapter left to get it wrong. */
    @Test
    void scriptTargetIsTheSharedScriptLocation() {
        assertEquals(
                new ScriptLocation(
                        "/ctx/hello.php",
                        "/a/b",
                        "/srv/www/a/b",
                        "/srv/www/hello.php",
                        "/srv/www",
                        "/ctx/hello.php/a/b"),
                HELLO);
    }
}

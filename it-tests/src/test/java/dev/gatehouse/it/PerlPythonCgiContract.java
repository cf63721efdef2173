package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.cgi.CgiServlet;
import dev.gatehouse.it.support.MultipartBody;
import dev.gatehouse.it.support.NoProcessLeftBehind;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Perl (CGI.pm) and Python scripts as plain CGI programs. The Python script prints its whole
 * environment, so the test sees every meta-variable of RFC 3875 §4.1 the servlet sets and that
 * nothing else reaches the script: only {@code passEnv} and {@code environment} from the
 * server, no Proxy (httpoxy), no Authorization, no header whose name could forge another.
 *
 * <p>Interpreters are given by absolute path so that no wrapper (such as a pyenv shim) adds
 * variables of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoProcessLeftBehind.class)
abstract class PerlPythonCgiContract {

    /** Prints every variable of its environment, sorted, then the body it read. */
    private static final String ENV_PY =
            """
            import os, sys
            length = int(os.environ.get("CONTENT_LENGTH") or 0)
            body = sys.stdin.buffer.read(length).decode("utf-8")
            out = ["Content-Type: text/plain; charset=utf-8", ""]
            # LC_CTYPE: Python sets it itself when the locale is C (PEP 538)
            out += [f"{k}={v}" for k, v in sorted(os.environ.items()) if k != "LC_CTYPE"]
            out.append(f"body={body}")
            sys.stdout.buffer.write(("\\n".join(out) + "\\n").encode("utf-8"))
            """;

    /** Reads a multipart upload with CGI.pm and reports what it got. */
    private static final String UPLOAD_PL =
            """
            use strict;
            use warnings;
            use CGI;
            use Digest::SHA;
            my $q = CGI->new;
            my $fh = $q->upload('f');
            my ($size, $sha) = (0, Digest::SHA->new(1));
            if ($fh) {
                binmode $fh;
                my $buf;
                while (my $n = read($fh, $buf, 65536)) { $size += $n; $sha->add($buf); }
            }
            my $info = $fh ? $q->uploadInfo($fh) : {};
            print $q->header(-type => 'text/plain', -charset => 'utf-8');
            print "note=", scalar $q->param('note'), "\\n";
            print "filename=", scalar $q->param('f'), "\\n";
            print "type=", $info->{'Content-Type'} // '', "\\n";
            print "size=$size\\n";
            print "sha1=", $sha->hexdigest, "\\n";
            """;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ServletContainer container;
    private Path scriptRoot;
    private Path docBase;

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void deploy(@TempDir Path root) throws Exception {
        scriptRoot = Files.createDirectory(root.resolve("cgi")).toRealPath();
        docBase = Files.createDirectory(root.resolve("docs")).toRealPath();
        Files.writeString(scriptRoot.resolve("env.py"), ENV_PY);
        Files.writeString(scriptRoot.resolve("upload.pl"), UPLOAD_PL);
        // under an absolute scriptRoot a script needs its execute bit, as under Apache's ExecCGI
        for (String name : List.of("env.py", "upload.pl")) {
            Files.setPosixFilePermissions(
                    scriptRoot.resolve(name), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        container = ServletContainer.servlets(
                kind(),
                "/ctx",
                docBase,
                List.of(ServletSpec.of("cgi", CgiServlet.class, "/cgi-bin/*")
                        .param("scriptRoot", scriptRoot.toString())
                        .param("interpreters", ".pl=/usr/bin/perl,.py=/usr/bin/python3")
                        .param("passEnv", "PATH")
                        .param("environment", "GATEHOUSE_SITE=integration test")));
    }

    @AfterAll
    void undeploy() {
        if (container != null) {
            container.close();
        }
    }

    /**
     * A request to env.py and how its variables differ from {@link #commonVariables}: a null
     * value means the variable must be absent.
     */
    record EnvCase(
            String name, String method, String path, String contentType, String body, Map<String, String> variables) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<EnvCase> envCases() {
        Map<String, String> get = new LinkedHashMap<>();
        get.put("REQUEST_METHOD", "GET");
        get.put("SCRIPT_NAME", "/ctx/cgi-bin/env.py");
        get.put("PATH_INFO", "/extra path/x");
        get.put("PATH_TRANSLATED", "{docBase}/extra path/x");
        get.put("QUERY_STRING", "a=1&b=%C3%A9");
        get.put("REQUEST_URI", "/ctx/cgi-bin/env.py/extra%20path/x?a=1&b=%C3%A9");
        // the JDK client sends Content-Length: 0 even on a GET, and the servlet passes it on
        get.put("CONTENT_LENGTH", "0");
        get.put("body", "");
        Map<String, String> post = new LinkedHashMap<>();
        post.put("REQUEST_METHOD", "POST");
        post.put("SCRIPT_NAME", "/ctx/cgi-bin/env.py");
        post.put("QUERY_STRING", "");
        post.put("REQUEST_URI", "/ctx/cgi-bin/env.py");
        post.put("CONTENT_LENGTH", "13"); // UTF-8 bytes, not characters
        post.put("CONTENT_TYPE", "text/plain; charset=utf-8");
        post.put("body", "h\u00e9llo w\u00f6rld");
        return Stream.of(
                new EnvCase(
                        "GET with path info and query",
                        "GET",
                        "cgi-bin/env.py/extra%20path/x?a=1&b=%C3%A9",
                        null,
                        null,
                        get),
                new EnvCase(
                        "POST with a body",
                        "POST",
                        "cgi-bin/env.py",
                        "text/plain; charset=utf-8",
                        "h\u00e9llo w\u00f6rld",
                        post));
    }

    @ParameterizedTest
    @MethodSource("envCases")
    void pythonSeesExactlyTheMetaVariables(EnvCase c) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(container.uri(c.path()))
                .header("User-Agent", "gatehouse-it")
                .header("X-Custom", "v1")
                .header("Authorization", "Basic Zm9vOmJhcg==")
                .header("Proxy", "http://attacker.invalid:8080/")
                .header("X_Custom", "forged");
        if (c.body() != null) {
            request.header("Content-Type", c.contentType())
                    .method(c.method(), HttpRequest.BodyPublishers.ofString(c.body(), StandardCharsets.UTF_8));
        } else {
            request.GET();
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertContentType("text/plain", "utf-8", response);

        Map<String, String> actual = new TreeMap<>();
        for (String line : response.body().split("\n")) {
            int eq = line.indexOf('=');
            actual.put(line.substring(0, eq), line.substring(eq + 1));
        }
        String remotePort = actual.getOrDefault("REMOTE_PORT", "");
        assertTrue(remotePort.matches("[1-9][0-9]{0,4}"), "REMOTE_PORT=" + remotePort);
        actual.put("REMOTE_PORT", "{remotePort}");
        String software = actual.getOrDefault("SERVER_SOFTWARE", "");
        assertTrue(software.startsWith("Gatehouse/"), "SERVER_SOFTWARE=" + software);
        actual.put("SERVER_SOFTWARE", "{software}");

        Map<String, String> expected = new TreeMap<>(commonVariables());
        c.variables().forEach((name, value) -> {
            if (value == null) {
                expected.remove(name);
            } else {
                expected.put(name, value.replace("{docBase}", docBase.toString()));
            }
        });
        assertEquals(expected, actual, response.body());
    }

    /** What every request to env.py sees. */
    private Map<String, String> commonVariables() {
        int port = container.base().getPort();
        Map<String, String> env = new TreeMap<>();
        env.put("DOCUMENT_ROOT", docBase.toString());
        env.put("GATEHOUSE_SITE", "integration test");
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("HTTP_HOST", "127.0.0.1:" + port);
        env.put("HTTP_USER_AGENT", "gatehouse-it");
        env.put("HTTP_X_CUSTOM", "v1");
        env.put("PATH", System.getenv("PATH"));
        env.put("REDIRECT_STATUS", "200");
        env.put("REMOTE_ADDR", "127.0.0.1");
        env.put("REMOTE_HOST", "127.0.0.1");
        env.put("REMOTE_PORT", "{remotePort}");
        env.put("REQUEST_SCHEME", "http");
        env.put("SCRIPT_FILENAME", scriptRoot.resolve("env.py").toString());
        env.put("SERVER_ADDR", "127.0.0.1");
        env.put("SERVER_NAME", "127.0.0.1");
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("SERVER_PROTOCOL", "HTTP/1.1");
        env.put("SERVER_SOFTWARE", "{software}");
        return env;
    }

    @ParameterizedTest(name = "chunked={0}")
    @ValueSource(booleans = {false, true})
    void perlCgiPmReadsAMultipartUpload(boolean chunked) throws Exception {
        byte[] file = new byte[1024 * 1024 + 17];
        new SplittableRandom(chunked ? 4 : 3).nextBytes(file);
        MultipartBody multipart = new MultipartBody("gatehouse-" + Long.toHexString(System.nanoTime()))
                .field("note", "read by CGI.pm")
                .file("f", "data.bin", "application/octet-stream", file);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(container.uri("cgi-bin/upload.pl"))
                        .header("Content-Type", multipart.contentType())
                        .POST(multipart.publisher(chunked))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertContentType("text/plain", "utf-8", response);
        assertEquals(
                "note=read by CGI.pm\nfilename=data.bin\ntype=application/octet-stream\n" + "size=" + file.length
                        + "\nsha1=" + sha1(file) + "\n",
                response.body());
    }

    private static void assertContentType(String type, String charset, HttpResponse<?> response) {
        String value = response.headers().firstValue("Content-Type").orElseThrow();
        assertEquals(
                (type + ";charset=" + charset).toLowerCase(Locale.ROOT),
                value.replace(" ", "").toLowerCase(Locale.ROOT),
                value);
    }

    private static String sha1(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    }
}

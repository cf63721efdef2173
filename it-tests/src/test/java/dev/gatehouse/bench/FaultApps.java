package dev.gatehouse.bench;

import dev.gatehouse.asgi.servlet.AsgiServlet;
import dev.gatehouse.cgi.CgiServlet;
import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.it.asgi.TestApps;
import dev.gatehouse.it.support.FastCgiStatsServlet;
import dev.gatehouse.it.support.ManagedBackendServlet;
import dev.gatehouse.it.support.RawHttp;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web application every scenario deploys, on 127.0.0.1: CGI scripts under
 * {@code /cgi-bin/*} ({@link CgiServlet}), PHP under {@code /php/*} ({@link FastCgiProxyServlet}
 * with a php-fpm it runs itself), an ASGI hello under {@code /asgi}, and the test windows on the
 * proxy's managed backend ({@code /backend/php}) and pool ({@code /stats/php}).
 */
final class FaultApps {

    static final String CGI_HELLO = "Hello from sh\n";
    static final String PHP_HELLO = "Hello, world\n";
    static final String ASGI_HELLO = "Hello, ASGI\n";

    private static final Pattern STATE =
            Pattern.compile("kind=(\\S+) pid=(-?\\d+) pids=(\\S*) dir=(\\S+) restarts=(\\d+)");

    /** The managed backend as {@link ManagedBackendServlet} reports it. */
    record Backend(long pid, List<Long> pids, String dir, int restarts) {}

    private FaultApps() {}

    /** Writes the scripts into {@code www/cgi} and {@code www/php}; returns {@code www}. */
    static Path write(Path work) throws IOException {
        Path www = work.resolve("www");
        Path cgi = Files.createDirectories(www.resolve("cgi"));
        Path php = Files.createDirectories(www.resolve("php"));
        script(cgi.resolve("hello.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\nHello from sh\\n'\n");
        script(
                cgi.resolve("echo.sh"),
                "#!/bin/sh\nn=$(wc -c)\nprintf 'Content-Type: text/plain\\r\\n\\r\\n%s\\n' \"$n\"\n");
        // the script's pid is its process group (processGroup=true); the grandchild is orphaned
        // at once (its parent, the subshell, exits), keeps stdout open and sleeps; its command
        // line names this script, so a scan of /proc finds it
        script(
                cgi.resolve("doublefork.sh"),
                """
                #!/bin/sh
                echo $$ > %1$s/script.pid
                ( sh -c 'sleep 120; :' "$0" & echo $! > %1$s/child.pid )
                exit 0
                """
                        .formatted(work));
        Files.writeString(php.resolve("hello.php"), "<?php echo \"Hello, world\\n\";\n");
        Files.writeString(php.resolve("token.php"), "<?php echo $_GET['t'] ?? '', \"\\n\";\n");
        Files.writeString(php.resolve("echo.php"), "<?php echo strlen(file_get_contents('php://input')), \"\\n\";\n");
        return www;
    }

    private static void script(Path file, String source) throws IOException {
        Files.writeString(file, source, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** CgiServlet with the given init-params on top of {@code scriptRoot}. */
    static ServletSpec cgi(Path www, Map<String, String> params) {
        ServletSpec s = ServletSpec.of("cgi", CgiServlet.class, "/cgi-bin/*")
                .param("scriptRoot", www.resolve("cgi").toString());
        for (Map.Entry<String, String> p : params.entrySet()) {
            s = s.param(p.getKey(), p.getValue());
        }
        return s;
    }

    /** FastCgiProxyServlet with php-fpm managed by it, {@code children} workers, and more init-params. */
    static ServletSpec php(Path www, int children, Map<String, String> params) {
        ServletSpec s = ServletSpec.of("php", FastCgiProxyServlet.class, "/php/*")
                .param("documentRoot", www.toString())
                .param("managedBackend", "php-fpm")
                .param("backendChildren", Integer.toString(children));
        for (Map.Entry<String, String> p : params.entrySet()) {
            s = s.param(p.getKey(), p.getValue());
        }
        return s;
    }

    static ServletSpec asgi() {
        return ServletSpec.instance("asgi", new AsgiServlet(new TestApps.Hello()), "/asgi");
    }

    /** Starts a container with {@code servlets} plus the windows on the proxy's backend and pool. */
    static ServletContainer start(ServletContainer.Kind kind, Path www, ServletSpec... servlets) {
        List<ServletSpec> all = new ArrayList<>(List.of(servlets));
        all.add(ServletSpec.of("backend", ManagedBackendServlet.class, "/backend/*"));
        all.add(ServletSpec.of("stats", FastCgiStatsServlet.class, "/stats/*"));
        return ServletContainer.servlets(kind, "", www, all);
    }

    /** One GET on a new connection: status and body. */
    static RawHttp.Response get(URI uri) throws IOException {
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + uri.getPort()
                        + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        return RawHttp.exchange(uri, request, false, Duration.ofSeconds(15));
    }

    /** The managed backend's state: pid (negative while restarting), pids, directory, restarts. */
    static Backend backend(ServletContainer c) throws IOException {
        RawHttp.Response r = get(c.uri("backend/php"));
        Matcher m = STATE.matcher(r.text());
        if (r.head().status() != 200 || !m.matches()) {
            throw new IllegalStateException("backend/php answered " + r.head().status() + " " + r.text());
        }
        List<Long> pids = m.group(3).isEmpty()
                ? List.of()
                : Arrays.stream(m.group(3).split(",")).map(Long::valueOf).toList();
        return new Backend(Long.parseLong(m.group(2)), pids, m.group(4), Integer.parseInt(m.group(5)));
    }

    /** The proxy's pool: {@code queued=Q busy=B open=O peakOpen=P}. */
    static String pool(ServletContainer c) throws IOException {
        return get(c.uri("stats/php")).text();
    }

    /** One figure of {@link #pool}, e.g. {@code poolFigure(s, "busy")}. */
    static int poolFigure(String pool, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=(\\d+)").matcher(pool);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in '" + pool + "'");
        }
        return Integer.parseInt(m.group(1));
    }

    /** Checks that {@code uri} answers 200 with {@code body}, before any load. */
    static void expect(URI uri, String body) throws IOException {
        RawHttp.Response r = get(uri);
        if (r.head().status() != 200 || !r.text().equals(body)) {
            throw new IllegalStateException(uri + " answered " + r.head().status() + " '"
                    + r.text().strip() + "', expected 200 '" + body.strip() + "'");
        }
    }

    /** Sends a signal to a whole process group with kill(1): {@code kill -STOP -- -PGID}. */
    static void signalGroup(String signal, long pgid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                .redirectErrorStream(true)
                .start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " -- -" + pgid + " failed: " + out);
        }
    }
}

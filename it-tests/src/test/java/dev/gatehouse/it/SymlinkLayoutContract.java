package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.fastcgi.testing.PhpFpm;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PHP application laid out as Debian ships DokuWiki: served unchanged from one directory (the
 * web application's base and the proxy's document root, proxy mapped at {@code /}), with {@code
 * lib/tpl} a link into a directory elsewhere ({@code /var/lib/dokuwiki} there) and a {@code bin/}
 * that must not run. With {@code linkTargets} naming that directory (and the container allowing
 * its default servlet to follow links), the linked stylesheet is served and the linked script
 * runs; a link to anywhere else is still 403, {@code deny} keeps {@code bin/} from php-fpm, and
 * without {@code linkTargets} the linked files are 403 as before.
 *
 * <pre>
 * app/doku.php  app/bin/tool.php  app/lib/tpl -&gt; ../../var-lib/tpl  app/lib/evil -&gt; ../../elsewhere
 * var-lib/tpl/style.css  var-lib/tpl/main.php  elsewhere/secret.txt
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SymlinkLayoutContract {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final PhpFpm fpm = new PhpFpm().maxChildren(2); // one worker per container: each keeps its connection alive

    private Path app;
    private Path varLib;
    private ServletContainer linked;
    private ServletContainer strict;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void start(@TempDir Path base) throws IOException {
        app = Files.createDirectories(base.resolve("app")).toRealPath();
        varLib =
                Files.createDirectories(base.resolve("var-lib/tpl")).getParent().toRealPath();
        Path elsewhere = Files.createDirectories(base.resolve("elsewhere"));
        Files.writeString(app.resolve("doku.php"), "<?php echo 'doku';");
        Files.createDirectories(app.resolve("bin"));
        Files.writeString(app.resolve("bin/tool.php"), "<?php echo 'EXECUTED';");
        Files.createDirectories(app.resolve("lib"));
        Files.createSymbolicLink(app.resolve("lib/tpl"), Path.of("../../var-lib/tpl"));
        Files.createSymbolicLink(app.resolve("lib/evil"), Path.of("../../elsewhere"));
        Files.writeString(varLib.resolve("tpl/style.css"), "body{}");
        Files.writeString(varLib.resolve("tpl/main.php"), "<?php echo $_SERVER['SCRIPT_FILENAME'];");
        Files.writeString(elsewhere.resolve("secret.txt"), "TOPSECRET");
        linked = ServletContainer.servletsServingLinks(
                kind(),
                "/wiki",
                app,
                List.of(
                        proxy().param("deny", "/bin/ /data/ /conf/").param("linkTargets", varLib.toString()),
                        ServletSpec.of("default", kind().defaultServlet(), "/__default/*")));
        strict = ServletContainer.servletsServingLinks(
                kind(),
                "/wiki",
                app,
                List.of(proxy(), ServletSpec.of("default", kind().defaultServlet(), "/__default/*")));
    }

    private ServletSpec proxy() {
        return ServletSpec.of("php", FastCgiProxyServlet.class, "/")
                .param("backend", "127.0.0.1:" + fpm.address().getPort())
                .param("maxConnections", "1");
    }

    @AfterAll
    void stop() {
        for (ServletContainer c : new ServletContainer[] {linked, strict}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private HttpResponse<String> get(ServletContainer c, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(c.uri(path)).timeout(LIMIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void linkTargetsServeTheLinkedTreeAndNothingElse() throws Exception {
        assertEquals("doku", get(linked, "doku.php").body());
        HttpResponse<String> css = get(linked, "lib/tpl/style.css");
        assertEquals(200, css.statusCode());
        assertEquals("body{}", css.body());
        HttpResponse<String> script = get(linked, "lib/tpl/main.php");
        assertEquals(200, script.statusCode());
        assertEquals(varLib.resolve("tpl/main.php").toString(), script.body(), "SCRIPT_FILENAME is the real path");
        HttpResponse<String> evil = get(linked, "lib/evil/secret.txt");
        assertEquals(403, evil.statusCode());
        assertFalse(evil.body().contains("TOPSECRET"));
    }

    @Test
    void denyKeepsBinFromPhp() throws Exception {
        HttpResponse<String> tool = get(linked, "bin/tool.php");
        assertEquals(404, tool.statusCode());
        assertFalse(tool.body().contains("EXECUTED"));
    }

    @Test
    void withoutLinkTargetsTheLinkedFilesAre403() throws Exception {
        assertEquals(403, get(strict, "lib/tpl/style.css").statusCode());
        assertEquals(403, get(strict, "lib/tpl/main.php").statusCode());
        assertEquals("doku", get(strict, "doku.php").body());
    }
}

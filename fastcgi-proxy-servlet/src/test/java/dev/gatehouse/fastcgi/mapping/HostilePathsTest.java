package dev.gatehouse.fastcgi.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatehouse.cgi.mapping.Interpreters;
import dev.gatehouse.cgi.mapping.ScriptResolutionException;
import dev.gatehouse.cgi.mapping.ScriptResolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every hostile path both gateways must refuse, run through the CGI servlet's {@link
 * ScriptResolver} and the FastCGI proxy's {@link ScriptMapping} (with and without a front
 * controller, which would otherwise receive what the walk does not reach) over one real tree with
 * real links. Both share {@code servlet-support}'s {@code ConfinedWalk}; this table keeps them
 * refusing the same paths, whatever either does to it.
 *
 * <p>It lives here because this module's tests see both modules. Paths are given as the walk
 * receives them: decoded by the container ({@code %2e%2e} is {@code ..}, {@code %2f} a segment
 * boundary, {@code %5c} a backslash, {@code %00} NUL). Where the two answer with different
 * statuses, each keeps its own, and the row says so.
 *
 * <pre>
 * base/outside/secret.php  .env         outside the root, 755 / 644
 * base/root/
 *   hello.php  index.php  sub/page.php  755 scripts
 *   .env  .htaccess  .git/config  sub/.hidden.php  .hidden.php  uploads/evil.jpg
 *   out.php -> ../outside/secret.php    outdir -> ../outside     etc -> /etc
 *   abs.php -> base/outside/secret.php (absolute)                 loop.php -> loop.php
 *   env.php -> .env                     gitdir -> .git           linkdir -> sub
 * </pre>
 */
class HostilePathsTest {

    private static final Pattern PHP = Pattern.compile(".+\\.php");

    @TempDir
    static Path base;

    private static ScriptResolver cgi;
    private static ScriptMapping fastCgi;
    private static ScriptMapping fastCgiWithFrontController;

    private static void write(Path file, String content, String permissions) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    }

    @BeforeAll
    static void tree() throws IOException {
        Path outside = base.resolve("outside");
        write(outside.resolve("secret.php"), "#!/bin/sh\necho secret\n", "rwxr-xr-x");
        write(outside.resolve(".env"), "SECRET=1\n", "rw-r--r--");
        Path root = base.resolve("root");
        for (String script :
                new String[] {"hello.php", "index.php", "sub/page.php", "sub/.hidden.php", ".hidden.php"}) {
            write(root.resolve(script), "#!/bin/sh\necho hi\n", "rwxr-xr-x");
        }
        for (String file : new String[] {".env", ".htaccess", ".git/config", "uploads/evil.jpg"}) {
            write(root.resolve(file), "SECRET=1\n", "rw-r--r--");
        }
        Files.createSymbolicLink(root.resolve("out.php"), Path.of("../outside/secret.php"));
        Files.createSymbolicLink(root.resolve("outdir"), Path.of("../outside"));
        Files.createSymbolicLink(root.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(
                root.resolve("abs.php"), outside.resolve("secret.php").toAbsolutePath());
        Files.createSymbolicLink(root.resolve("loop.php"), Path.of("loop.php"));
        Files.createSymbolicLink(root.resolve("env.php"), Path.of(".env"));
        Files.createSymbolicLink(root.resolve("gitdir"), Path.of(".git"));
        Files.createSymbolicLink(root.resolve("linkdir"), Path.of("sub"));
        cgi = new ScriptResolver(root, Interpreters.parse(Interpreters.DEFAULTS));
        fastCgi = new ScriptMapping(root, PHP, "index.php", null);
        fastCgiWithFrontController = new ScriptMapping(root, PHP, "index.php", "/index.php");
    }

    /**
     * @param what the attack, and the form it was sent in when the container decoded it
     * @param path as the walk receives it
     * @param cgiStatus what the CGI servlet answers
     * @param fastCgiStatus what the FastCGI proxy answers
     */
    record Hostile(String what, String path, int cgiStatus, int fastCgiStatus) {
        @Override
        public String toString() {
            return what + ": " + path.replace("\0", "\\0");
        }
    }

    private static Hostile both(String what, String path, int status) {
        return new Hostile(what, path, status, status);
    }

    static Stream<Hostile> hostile() {
        String longName = "a".repeat(300) + ".php";
        return Stream.of(
                // traversal
                both("dot-dot at the start (%2e%2e)", "/../outside/secret.php", 404),
                both("dot-dot after a directory", "/sub/../../outside/secret.php", 404),
                both("dot-dot at the end", "/sub/..", 404),
                both("dot-dot alone", "/..", 404),
                both("dot-dot through encoded slashes (%2f..%2f)", "/sub/../hello.php", 404),
                both("dot-dot in PATH_INFO", "/hello.php/../../etc/passwd", 404),
                both("dot-dot after a missing file (front controller's PATH_INFO)", "/missing/../../etc/passwd", 404),
                both("dot segment", "/./hello.php", 404),
                both("dot segment in PATH_INFO", "/hello.php/a/./b", 404),
                // backslash, NUL, empty segments
                both("backslash traversal (%5c)", "/sub\\..\\..\\outside\\secret.php", 404),
                both("backslash in PATH_INFO", "/hello.php/a\\..\\b", 404),
                both("NUL before an extension (%00)", "/hello.php\0.jpg", 404),
                both("NUL to make an image a script", "/uploads/evil.jpg\0.php", 404),
                both("NUL in PATH_INFO", "/hello.php/x\0y", 404),
                both("empty first segment", "//hello.php", 404),
                both("empty segment inside", "/sub//page.php", 404),
                // dot-files and hidden directories
                both("dot-file", "/.env", 403),
                both("dot-file that is a script", "/.hidden.php", 403),
                both("dot-file in a directory", "/sub/.hidden.php", 403),
                both(".htaccess", "/.htaccess", 403),
                both("hidden directory", "/.git/config", 403),
                both("hidden name that does not exist", "/.nothing", 403),
                both("dot-file in PATH_INFO", "/hello.php/.env", 403),
                both("hidden directory in PATH_INFO", "/hello.php/.git/config", 403),
                both("dot-file through a linked directory", "/linkdir/.hidden.php", 403),
                both("dot-file of a directory link out of the root", "/outdir/.env", 403),
                new Hostile(
                        "dot-dot behind .well-known: CGI meets the hidden segment first",
                        "/.well-known/../.env",
                        403,
                        404),
                // links
                both("link out of the root", "/out.php", 403),
                both("absolute link out of the root", "/abs.php", 403),
                both("directory link out of the root", "/outdir/secret.php", 403),
                both("link to /etc", "/etc/passwd", 403),
                both("link to a dot-file", "/env.php", 403),
                both("link loop", "/loop.php", 404),
                both("name too long for the file system", "/" + longName, 404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void theCgiServletRefuses(Hostile h) {
        ScriptResolutionException e = assertThrows(ScriptResolutionException.class, () -> cgi.resolve(h.path()));
        assertEquals(
                h.cgiStatus() == 404
                        ? ScriptResolutionException.Reason.NOT_FOUND
                        : ScriptResolutionException.Reason.FORBIDDEN,
                e.reason(),
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void theFastCgiProxyRefuses(Hostile h) throws IOException {
        for (ScriptMapping mapping : new ScriptMapping[] {fastCgi, fastCgiWithFrontController}) {
            Route route = mapping.map("", h.path());
            assertEquals(
                    h.fastCgiStatus() == 404 ? Route.NotFound.class : Route.Forbidden.class,
                    route.getClass(),
                    route.toString());
        }
    }

    /** The tree serves what it should: the refusals above are the paths', not a broken tree's. */
    @Test
    void theSameTreeServesItsScripts() throws Exception {
        Path real = base.resolve("root").toRealPath();
        Map<String, String> scripts = Map.of(
                "/hello.php/a/b", "hello.php", "/linkdir/page.php", "sub/page.php", "/sub/page.php", "sub/page.php");
        for (Map.Entry<String, String> e : scripts.entrySet()) {
            String path = e.getKey();
            String file = real.resolve(e.getValue()).toString();
            assertEquals(file, cgi.resolve(path).file().toString(), path);
            Route.Script script = assertInstanceOf(Route.Script.class, fastCgi.map("", path), path);
            assertEquals(file, script.location().scriptFilename(), path);
        }
    }
}

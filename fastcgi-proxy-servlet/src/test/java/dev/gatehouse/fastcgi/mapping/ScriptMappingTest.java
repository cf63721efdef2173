package dev.gatehouse.fastcgi.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.cgi.meta.ScriptLocation;
import dev.gatehouse.servlet.path.SymlinkPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A decoded request path in, the exact route out, over a real document tree. File paths in the
 * expected routes are written under {@code ROOT}, the document root's real path.
 */
class ScriptMappingTest {

    private static final Pattern PHP = Pattern.compile(".+\\.php");

    @TempDir
    static Path base;

    private static Path root;
    private static ScriptMapping plain;
    private static ScriptMapping front;

    /**
     * <pre>
     * base/outside/secret.php          outside the document root
     * base/root/                       the document root
     *   index.php hello.php style.css  .env .hidden.php .git/config
     *   sub/index.php sub/page.php     docs/index.html    empty/
     *   uploads/evil.jpg               lib.php/real.php   (a directory named like a script)
     *   .well-known/acme-challenge/token                  WEB-INF/secret.php
     *   link-in.php -> hello.php       linkdir -> sub     jpg-link.php -> uploads/evil.jpg
     *   out.php -> ../outside/secret.php                  outdir -> ../outside
     *   dangling.php -> missing.php    pipe.php (a FIFO)
     * </pre>
     */
    @BeforeAll
    static void tree() throws Exception {
        Path outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(outside.resolve("secret.php"), "<?php echo 'secret';");
        root = Files.createDirectories(base.resolve("root")).toRealPath();
        for (String file : new String[] {
            "index.php",
            "hello.php",
            "style.css",
            ".env",
            ".hidden.php",
            ".git/config",
            "sub/index.php",
            "sub/page.php",
            "docs/index.html",
            "uploads/evil.jpg",
            "lib.php/real.php",
            ".well-known/acme-challenge/token",
            "WEB-INF/secret.php"
        }) {
            Path f = root.resolve(file);
            Files.createDirectories(f.getParent());
            Files.writeString(f, file);
        }
        Files.createDirectories(root.resolve("empty"));
        Files.createSymbolicLink(root.resolve("link-in.php"), Path.of("hello.php"));
        Files.createSymbolicLink(root.resolve("linkdir"), Path.of("sub"));
        Files.createSymbolicLink(root.resolve("jpg-link.php"), Path.of("uploads/evil.jpg"));
        Files.createSymbolicLink(root.resolve("out.php"), Path.of("../outside/secret.php"));
        Files.createSymbolicLink(root.resolve("outdir"), Path.of("../outside"));
        Files.createSymbolicLink(root.resolve("dangling.php"), Path.of("missing.php"));
        Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("pipe.php").toString())
                .inheritIO()
                .start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
        plain = new ScriptMapping(root, PHP, "index.php", null);
        front = new ScriptMapping(root, PHP, "index.php", "/index.php");
    }

    // ---------------------------------------------------------------- expected routes

    enum Config {
        PLAIN,
        FRONT,
        BOTH
    }

    record Case(String name, Config config, String context, String path, Route expected) {
        @Override
        public String toString() {
            return name + " [" + config + "] " + path.replace("\0", "\\0");
        }
    }

    private static Case plain(String name, String path, Route expected) {
        return new Case(name, Config.PLAIN, "", path, expected);
    }

    private static Case front(String name, String path, Route expected) {
        return new Case(name, Config.FRONT, "", path, expected);
    }

    private static Case both(String name, String path, Route expected) {
        return new Case(name, Config.BOTH, "", path, expected);
    }

    /** A script under ROOT; PATH_TRANSLATED follows from PATH_INFO. */
    private static Route script(String scriptName, String file, String pathInfo, String documentUri) {
        return new Route.Script(new ScriptLocation(
                scriptName,
                pathInfo,
                pathInfo.isEmpty() ? null : "ROOT" + pathInfo,
                "ROOT" + file,
                "ROOT",
                documentUri));
    }

    private static Route file(String path, String file) {
        return new Route.Static(path, Path.of("ROOT" + file));
    }

    private static Route notFound(String reason) {
        return new Route.NotFound(reason);
    }

    private static Route forbidden(String reason) {
        return new Route.Forbidden(reason);
    }

    static Stream<Case> cases() {
        return Stream.of(
                // scripts and PATH_INFO
                both("script", "/hello.php", script("/hello.php", "/hello.php", "", "/hello.php")),
                both(
                        "script with PATH_INFO",
                        "/hello.php/a/b",
                        script("/hello.php", "/hello.php", "/a/b", "/hello.php/a/b")),
                both(
                        "PATH_INFO that looks like a script",
                        "/hello.php/x.php",
                        script("/hello.php", "/hello.php", "/x.php", "/hello.php/x.php")),
                both(
                        "trailing slash is PATH_INFO /",
                        "/hello.php/",
                        script("/hello.php", "/hello.php", "/", "/hello.php/")),
                both(
                        "nested script",
                        "/sub/page.php/x",
                        script("/sub/page.php", "/sub/page.php", "/x", "/sub/page.php/x")),
                both(
                        "directory named like a script is walked through",
                        "/lib.php/real.php/x",
                        script("/lib.php/real.php", "/lib.php/real.php", "/x", "/lib.php/real.php/x")),
                new Case(
                        "context path prefixes SCRIPT_NAME and DOCUMENT_URI",
                        Config.BOTH,
                        "/ctx",
                        "/hello.php/x",
                        script("/ctx/hello.php", "/hello.php", "/x", "/ctx/hello.php/x")),

                // directories and index files
                both("root", "/", script("/index.php", "/index.php", "", "/index.php")),
                both("empty path is the root", "", script("/index.php", "/index.php", "", "/index.php")),
                both("directory", "/sub/", script("/sub/index.php", "/sub/index.php", "", "/sub/index.php")),
                both(
                        "directory without slash",
                        "/sub",
                        script("/sub/index.php", "/sub/index.php", "", "/sub/index.php")),
                plain("directory with another index file", "/docs/", notFound("directory without index.php: /docs")),
                plain("directory without index", "/empty/", notFound("directory without index.php: /empty")),
                front(
                        "directory without index goes to the front controller",
                        "/empty/",
                        script("/index.php", "/index.php", "/empty/", "/index.php")),
                plain(
                        "directory named like a script, without index",
                        "/lib.php",
                        notFound("directory without index.php: /lib.php")),

                // static files
                both("static file", "/style.css", file("/style.css", "/style.css")),
                both("static file in a directory", "/uploads/evil.jpg", file("/uploads/evil.jpg", "/uploads/evil.jpg")),
                both(
                        ".well-known is not hidden",
                        "/.well-known/acme-challenge/token",
                        file("/.well-known/acme-challenge/token", "/.well-known/acme-challenge/token")),

                // paths naming no file
                both("missing script", "/missing.php", notFound("no such script: /missing.php")),
                both("missing script with PATH_INFO", "/missing.php/x", notFound("no such script: /missing.php")),
                plain("missing file", "/blog/post/1", notFound("no such file: /blog/post/1")),
                front(
                        "missing file goes to the front controller",
                        "/blog/post/1",
                        script("/index.php", "/index.php", "/blog/post/1", "/index.php")),
                new Case(
                        "front controller under a context path",
                        Config.FRONT,
                        "/ctx",
                        "/blog",
                        script("/ctx/index.php", "/index.php", "/blog", "/ctx/index.php")),
                plain("static file with a path below it", "/style.css/more", notFound("no such file: /style.css/more")),
                front(
                        "static file with a path below it goes to the front controller",
                        "/style.css/more",
                        script("/index.php", "/index.php", "/style.css/more", "/index.php")),

                // cgi.fix_pathinfo: a non-script file with /x.php appended must never run
                both(
                        "fix_pathinfo: image with /x.php",
                        "/uploads/evil.jpg/x.php",
                        notFound("no such script: /uploads/evil.jpg/x.php")),
                both(
                        "fix_pathinfo: image with /x.php/more",
                        "/uploads/evil.jpg/x.php/more",
                        notFound("no such script: /uploads/evil.jpg/x.php")),
                both(
                        "fix_pathinfo: static file with /x.php",
                        "/style.css/x.php",
                        notFound("no such script: /style.css/x.php")),
                both(
                        "fix_pathinfo: image with trailing slash",
                        "/uploads/evil.jpg/",
                        plainOrFront("/uploads/evil.jpg/")),
                both(
                        "script name with NUL (decoded %00)",
                        "/uploads/evil.jpg\0.php", notFound("illegal path segment in /uploads/evil.jpg\\0.php")),
                both(
                        "NUL after .php (decoded %00)",
                        "/hello.php\0.jpg", notFound("illegal path segment in /hello.php\\0.jpg")),

                // traversal, as it arrives decoded
                both(
                        "dot-dot (decoded %2e%2e)",
                        "/../outside/secret.php", notFound("illegal path segment in /../outside/secret.php")),
                both(
                        "dot-dot inside",
                        "/sub/../../outside/secret.php",
                        notFound("illegal path segment in /sub/../../outside/secret.php")),
                both(
                        "dot-dot in PATH_INFO",
                        "/hello.php/../../etc/passwd",
                        notFound("illegal path segment in /hello.php/../../etc/passwd")),
                both("dot segment", "/./hello.php", notFound("illegal path segment in /./hello.php")),
                both("empty segment", "//hello.php", notFound("illegal path segment in //hello.php")),
                both(
                        "backslash (decoded %5c)",
                        "/sub\\..\\hello.php", notFound("illegal path segment in /sub\\..\\hello.php")),
                both("relative path", "hello.php", notFound("not an absolute path: hello.php")),

                // hidden and protected
                both("hidden file", "/.env", forbidden("hidden path segment in /.env")),
                both("hidden directory", "/.git/config", forbidden("hidden path segment in /.git/config")),
                both("hidden script", "/.hidden.php", forbidden("hidden path segment in /.hidden.php")),
                both(
                        "hidden segment in PATH_INFO",
                        "/hello.php/.git",
                        forbidden("hidden path segment in /hello.php/.git")),
                both(
                        "WEB-INF",
                        "/WEB-INF/secret.php",
                        notFound("protected directory of the web application: /WEB-INF/secret.php")),
                both(
                        "web-inf in another case",
                        "/web-inf/secret.php",
                        notFound("protected directory of the web application: /web-inf/secret.php")),

                // links
                both("link inside the root", "/link-in.php", script("/link-in.php", "/hello.php", "", "/link-in.php")),
                both(
                        "linked directory inside the root",
                        "/linkdir/page.php",
                        script("/linkdir/page.php", "/sub/page.php", "", "/linkdir/page.php")),
                both(
                        "script link to an image",
                        "/jpg-link.php",
                        forbidden("script /jpg-link.php is a link to a non-script file /uploads/evil.jpg")),
                both("link out of the root", "/out.php", forbidden("a link resolving outside the root: /out.php")),
                both(
                        "directory link out of the root",
                        "/outdir/secret.php",
                        forbidden("a link resolving outside the root: /outdir/secret.php")),
                both("dangling link", "/dangling.php", notFound("no such script: /dangling.php")),
                both("FIFO", "/pipe.php", forbidden("not a regular file: /pipe.php")),
                both(
                        "name too long for the file system",
                        "/" + "a".repeat(300) + ".php",
                        notFound("no such file (File name too long): /" + "a".repeat(300) + ".php")));
    }

    /** Marker resolved per configuration: 404 without a front controller, the front controller with one. */
    private static Route plainOrFront(String path) {
        return new Route.NotFound("PLAIN_OR_FRONT " + path);
    }

    private static Route expected(Case c, Config config) {
        if (c.expected() instanceof Route.NotFound nf && nf.reason().startsWith("PLAIN_OR_FRONT ")) {
            String path = nf.reason().substring("PLAIN_OR_FRONT ".length());
            return config == Config.PLAIN
                    ? notFound("no such file: " + path)
                    : script("/index.php", "/index.php", path, "/index.php");
        }
        return c.expected();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void maps(Case c) throws IOException {
        for (Config config :
                c.config() == Config.BOTH ? new Config[] {Config.PLAIN, Config.FRONT} : new Config[] {c.config()}) {
            ScriptMapping mapping = config == Config.PLAIN ? plain : front;
            Route actual = mapping.map(c.context(), c.path().isEmpty() ? null : c.path());
            assertEquals(expected(c, config), relative(actual), config.toString());
        }
    }

    /** The route with the real root written as ROOT. */
    private static Route relative(Route route) {
        String r = root.toString();
        if (route instanceof Route.Script s) {
            ScriptLocation t = s.location();
            return new Route.Script(new ScriptLocation(
                    t.scriptName(),
                    t.pathInfo(),
                    t.pathTranslated() == null ? null : t.pathTranslated().replace(r, "ROOT"),
                    t.scriptFilename().replace(r, "ROOT"),
                    t.documentRoot().replace(r, "ROOT"),
                    t.documentUri()));
        }
        if (route instanceof Route.Static s) {
            return new Route.Static(s.path(), Path.of(s.file().toString().replace(r, "ROOT")));
        }
        return route;
    }

    // ---------------------------------------------------------------- configuration of the mapping

    @Test
    void frontControllerThatIsMissingIsNotFound() throws IOException {
        ScriptMapping mapping = new ScriptMapping(root, PHP, "index.php", "/app.php");
        assertEquals(
                new Route.NotFound("front controller /app.php is not a file, for /blog"), mapping.map("", "/blog"));
    }

    @Test
    void otherScriptPatternAndIndexFile() throws IOException {
        ScriptMapping mapping = new ScriptMapping(root, Pattern.compile("/sub/.+\\.php"), "page.php", null);
        assertEquals(script("/sub/page.php", "/sub/page.php", "", "/sub/page.php"), relative(mapping.map("", "/sub/")));
        assertEquals(
                file("/hello.php", "/hello.php"),
                relative(mapping.map("", "/hello.php")),
                "a file outside the pattern is static: choose the pattern to cover every script");
    }

    @Test
    void indexFileThatIsNotAScriptIsStatic() throws IOException {
        ScriptMapping mapping = new ScriptMapping(root, PHP, "index.html", null);
        assertEquals(file("/docs/index.html", "/docs/index.html"), relative(mapping.map("", "/docs/")));
        assertEquals(file("/docs/index.html", "/docs/index.html"), relative(mapping.map("", "/docs")));
    }

    @Test
    void documentRootMustBeADirectory() {
        assertThrows(IOException.class, () -> new ScriptMapping(root.resolve("hello.php"), PHP, "index.php", null));
        assertThrows(IOException.class, () -> new ScriptMapping(root.resolve("nothing"), PHP, "index.php", null));
    }

    @Test
    void documentRootIsTheRealPath() throws IOException {
        Path link = Files.createSymbolicLink(base.resolve("root-link"), root);
        ScriptMapping mapping = new ScriptMapping(link, PHP, "index.php", null);
        assertEquals(root, mapping.documentRoot());
        Route.Script s = (Route.Script) mapping.map("", "/hello.php");
        assertEquals(root.resolve("hello.php").toString(), s.location().scriptFilename());
    }

    // ---------------------------------------------------------------- followSymlinks, linkTargets

    private static Route map(SymlinkPolicy policy, String path) throws IOException {
        return new ScriptMapping(root, PHP, "index.php", null, policy).map("", path);
    }

    private static String filename(Route route) {
        return assertInstanceOf(Route.Script.class, route, route.toString())
                .location()
                .scriptFilename();
    }

    /** linkTargets opens the directories it names, and only them: a link elsewhere is still 403. */
    @Test
    void linkTargetsLetLinksResolveIntoTheDirectoriesNamed() throws IOException {
        SymlinkPolicy policy = SymlinkPolicy.of(
                SymlinkPolicy.Mode.INSIDE_ROOT,
                SymlinkPolicy.targets(base.resolve("outside").toString()));
        assertEquals(
                base.resolve("outside/secret.php").toRealPath().toString(),
                filename(map(policy, "/outdir/secret.php")));
        assertEquals(base.resolve("outside/secret.php").toRealPath().toString(), filename(map(policy, "/out.php")));
        SymlinkPolicy elsewhere = SymlinkPolicy.of(
                SymlinkPolicy.Mode.INSIDE_ROOT,
                SymlinkPolicy.targets(root.resolve("sub").toString()));
        assertEquals(
                new Route.Forbidden("a link resolving outside the root and linkTargets: /out.php"),
                map(elsewhere, "/out.php"));
    }

    @Test
    void noneRefusesEveryLinkAndAllFollowsAny() throws IOException {
        SymlinkPolicy none = SymlinkPolicy.of(SymlinkPolicy.Mode.NONE, List.of());
        assertEquals(
                new Route.Forbidden("a symbolic link (followSymlinks=none): /link-in.php"), map(none, "/link-in.php"));
        assertInstanceOf(Route.Script.class, map(none, "/hello.php"));
        SymlinkPolicy all = SymlinkPolicy.of(SymlinkPolicy.Mode.ALL, List.of());
        assertEquals(base.resolve("outside/secret.php").toRealPath().toString(), filename(map(all, "/out.php")));
    }
}

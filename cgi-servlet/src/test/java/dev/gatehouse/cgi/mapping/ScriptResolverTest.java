package dev.gatehouse.cgi.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.cgi.mapping.ScriptResolutionException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resolution of request paths against a real script root (RFC 3875 §3.3, §4.1.5, §4.1.13):
 * <pre>
 * tmp/
 *   outside/secret.sh                 755, outside the root
 *   root/
 *     hello.sh  nph-x.sh  exec.cgi    755
 *     script.pl  upper.PL             644, mapped by extension
 *     shebang.cgi  shebang-plain.cgi  644, with a #! line
 *     plain.txt  bang-empty.cgi       644, nothing can run them
 *     .htaccess  .git/x               hidden
 *     sub/env.sh  sub/.hidden.sh  sub/deeper/run.cgi
 *     emptydir/
 *     fifo                            a named pipe
 *     link-inside.cgi -> exec.cgi     linkdir -> sub
 *     link-outside.sh -> ../outside/secret.sh
 *     outdir -> ../outside            dangling.sh -> nowhere
 * </pre>
 */
class ScriptResolverTest {

    private static final String EXEC = "rwxr-xr-x";
    private static final String PLAIN = "rw-r--r--";

    @TempDir
    Path tmp;

    private Path root;
    private ScriptResolver resolver;

    private static void write(Path file, String content, String permissions) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    }

    @BeforeEach
    void scriptRoot() throws Exception {
        Path outside = tmp.resolve("outside");
        write(outside.resolve("secret.sh"), "#!/bin/sh\necho secret\n", EXEC);
        root = tmp.resolve("root");
        write(root.resolve("hello.sh"), "#!/bin/sh\necho hello\n", EXEC);
        write(root.resolve("nph-x.sh"), "#!/bin/sh\n", EXEC);
        write(root.resolve("exec.cgi"), "#!/bin/sh\n", EXEC);
        write(root.resolve("script.pl"), "print 1;\n", PLAIN);
        write(root.resolve("upper.PL"), "print 1;\n", PLAIN);
        write(root.resolve("shebang.cgi"), "#!/usr/bin/env python3\nprint(1)\n", PLAIN);
        write(root.resolve("shebang-plain.cgi"), "#!/bin/sh\necho 1\n", PLAIN);
        write(root.resolve("plain.txt"), "just text\n", PLAIN);
        write(root.resolve("bang-empty.cgi"), "#!\n", PLAIN);
        write(root.resolve(".htaccess"), "Deny from all\n", PLAIN);
        write(root.resolve(".git/x"), "#!/bin/sh\n", EXEC);
        write(root.resolve("sub/env.sh"), "#!/bin/sh\nenv\n", EXEC);
        write(root.resolve("sub/.hidden.sh"), "#!/bin/sh\n", EXEC);
        write(root.resolve("sub/deeper/run.cgi"), "#!/bin/sh\n", EXEC);
        Files.createDirectories(root.resolve("emptydir"));
        Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("fifo").toString())
                .inheritIO()
                .start();
        assertTrue(mkfifo.waitFor(5, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
        Files.createSymbolicLink(root.resolve("link-inside.cgi"), Path.of("exec.cgi"));
        Files.createSymbolicLink(root.resolve("linkdir"), Path.of("sub"));
        Files.createSymbolicLink(root.resolve("link-outside.sh"), Path.of("../outside/secret.sh"));
        Files.createSymbolicLink(root.resolve("outdir"), Path.of("../outside"));
        Files.createSymbolicLink(root.resolve("dangling.sh"), Path.of("nowhere.sh"));
        resolver = new ScriptResolver(root, Interpreters.parse(Interpreters.DEFAULTS));
    }

    // ---------------------------------------------------------------- resolved

    /**
     * @param file the script, relative to the real root
     * @param command the argv, {@code {file}} standing for the script's absolute real path
     */
    record Resolves(String path, String scriptPath, String pathInfo, String file, List<String> command) {
        @Override
        public String toString() {
            return path;
        }
    }

    static Stream<Resolves> resolvable() {
        return Stream.of(
                new Resolves("/hello.sh", "/hello.sh", "", "hello.sh", List.of("sh", "{file}")),
                new Resolves("hello.sh", "/hello.sh", "", "hello.sh", List.of("sh", "{file}")),
                new Resolves("/hello.sh/extra/info", "/hello.sh", "/extra/info", "hello.sh", List.of("sh", "{file}")),
                new Resolves("/hello.sh/", "/hello.sh", "/", "hello.sh", List.of("sh", "{file}")),
                new Resolves("/hello.sh/a//b/", "/hello.sh", "/a//b/", "hello.sh", List.of("sh", "{file}")),
                new Resolves(
                        "/hello.sh/.well-known/acme-challenge/t",
                        "/hello.sh",
                        "/.well-known/acme-challenge/t",
                        "hello.sh",
                        List.of("sh", "{file}")),
                new Resolves("/hello.sh/sub/env.sh", "/hello.sh", "/sub/env.sh", "hello.sh", List.of("sh", "{file}")),
                new Resolves("/sub/env.sh", "/sub/env.sh", "", "sub/env.sh", List.of("sh", "{file}")),
                new Resolves(
                        "/sub/deeper/run.cgi/x", "/sub/deeper/run.cgi", "/x", "sub/deeper/run.cgi", List.of("{file}")),
                new Resolves("/exec.cgi", "/exec.cgi", "", "exec.cgi", List.of("{file}")),
                new Resolves("/script.pl", "/script.pl", "", "script.pl", List.of("perl", "{file}")),
                new Resolves("/upper.PL", "/upper.PL", "", "upper.PL", List.of("perl", "{file}")),
                new Resolves(
                        "/shebang.cgi/a",
                        "/shebang.cgi",
                        "/a",
                        "shebang.cgi",
                        List.of("/usr/bin/env", "python3", "{file}")),
                new Resolves(
                        "/shebang-plain.cgi",
                        "/shebang-plain.cgi",
                        "",
                        "shebang-plain.cgi",
                        List.of("/bin/sh", "{file}")),
                new Resolves("/link-inside.cgi", "/link-inside.cgi", "", "exec.cgi", List.of("{file}")),
                new Resolves("/linkdir/env.sh/pi", "/linkdir/env.sh", "/pi", "sub/env.sh", List.of("sh", "{file}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resolvable")
    void resolves(Resolves r) throws Exception {
        Path file = resolver.root().resolve(r.file());
        List<String> command = r.command().stream()
                .map(w -> w.equals("{file}") ? file.toString() : w)
                .toList();
        assertEquals(new ResolvedScript(file, r.scriptPath(), r.pathInfo(), command), resolver.resolve(r.path()));
    }

    // ---------------------------------------------------------------- refused

    record Refuses(String path, Reason reason, String message) {
        @Override
        public String toString() {
            return path.replace("\0", "\\0") + " -> " + reason;
        }
    }

    static Stream<Refuses> refused() {
        return Stream.of(
                new Refuses("", Reason.NOT_FOUND, "no script named in the path"),
                new Refuses("/", Reason.NOT_FOUND, "no script named in the path"),
                new Refuses("/nope.sh", Reason.NOT_FOUND, "no such script: /nope.sh"),
                new Refuses("/sub/nope/x.sh", Reason.NOT_FOUND, "no such script: /sub/nope/x.sh"),
                new Refuses("/dangling.sh", Reason.NOT_FOUND, "no such script: /dangling.sh"),
                new Refuses("/sub", Reason.NOT_FOUND, "path names a directory, not a script: /sub"),
                new Refuses("/sub/deeper", Reason.NOT_FOUND, "path names a directory, not a script: /sub/deeper"),
                new Refuses("/emptydir", Reason.NOT_FOUND, "path names a directory, not a script: /emptydir"),
                new Refuses("/linkdir", Reason.NOT_FOUND, "path names a directory, not a script: /linkdir"),
                new Refuses("/sub/", Reason.NOT_FOUND, "illegal path segment in /sub/"),
                new Refuses("//hello.sh", Reason.NOT_FOUND, "illegal path segment in //hello.sh"),
                new Refuses("/sub//env.sh", Reason.NOT_FOUND, "illegal path segment in /sub//env.sh"),
                new Refuses("/./hello.sh", Reason.NOT_FOUND, "illegal path segment in /./hello.sh"),
                new Refuses("/sub/../hello.sh", Reason.NOT_FOUND, "illegal path segment in /sub/../hello.sh"),
                new Refuses("/../outside/secret.sh", Reason.NOT_FOUND, "illegal path segment in /../outside/secret.sh"),
                new Refuses("/sub/..", Reason.NOT_FOUND, "illegal path segment in /sub/.."),
                new Refuses("/sub\\env.sh", Reason.NOT_FOUND, "illegal path segment in /sub\\env.sh"),
                new Refuses("/hello.sh\0.txt", Reason.NOT_FOUND, "illegal path segment in /hello.sh\0.txt"),
                new Refuses("/.htaccess", Reason.FORBIDDEN, "hidden path segment in /.htaccess"),
                new Refuses("/.git/x", Reason.FORBIDDEN, "hidden path segment in /.git/x"),
                new Refuses("/sub/.hidden.sh", Reason.FORBIDDEN, "hidden path segment in /sub/.hidden.sh"),
                new Refuses("/.nothing-there", Reason.FORBIDDEN, "hidden path segment in /.nothing-there"),
                new Refuses(
                        "/link-outside.sh", Reason.FORBIDDEN, "a link resolving outside the root: /link-outside.sh"),
                new Refuses(
                        "/outdir/secret.sh", Reason.FORBIDDEN, "a link resolving outside the root: /outdir/secret.sh"),
                new Refuses("/fifo", Reason.FORBIDDEN, "not a regular file: /fifo"),
                // PATH_INFO segments: PATH_TRANSLATED maps them under the document root
                new Refuses("/hello.sh/.git/config", Reason.FORBIDDEN, "hidden path segment in /hello.sh/.git/config"),
                new Refuses("/hello.sh/a/.env", Reason.FORBIDDEN, "hidden path segment in /hello.sh/a/.env"),
                new Refuses("/hello.sh/../x", Reason.NOT_FOUND, "illegal path segment in /hello.sh/../x"),
                new Refuses("/hello.sh/a/./b", Reason.NOT_FOUND, "illegal path segment in /hello.sh/a/./b"),
                new Refuses("/hello.sh/a\\b", Reason.NOT_FOUND, "illegal path segment in /hello.sh/a\\b"),
                // a client-chosen name the file system cannot hold: 404, not an IOException (500)
                new Refuses(
                        "/" + "x".repeat(300),
                        Reason.NOT_FOUND,
                        "no such script (File name too long): /" + "x".repeat(300)),
                new Refuses(
                        "/sub/" + "y".repeat(300) + "/env.sh",
                        Reason.NOT_FOUND,
                        "no such script (File name too long): /sub/" + "y".repeat(300) + "/env.sh"),
                new Refuses("/plain.txt", Reason.FORBIDDEN, "not executable and no interpreter for it: /plain.txt"),
                new Refuses(
                        "/plain.txt/info", Reason.FORBIDDEN, "not executable and no interpreter for it: /plain.txt"),
                new Refuses(
                        "/bang-empty.cgi",
                        Reason.FORBIDDEN,
                        "not executable and no interpreter for it: /bang-empty.cgi"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refuses(Refuses r) {
        ScriptResolutionException e = assertThrows(ScriptResolutionException.class, () -> resolver.resolve(r.path()));
        assertEquals(r.reason(), e.reason());
        assertEquals(r.message(), e.getMessage());
    }

    // ---------------------------------------------------------------- the execute bit

    /**
     * requireExecutable (an absolute file-system root): an interpreter for the extension is not
     * enough, the file needs its execute bit — an uploaded .pl or .php never becomes code.
     */
    @ParameterizedTest
    @CsvSource({
        "/script.pl, not executable: /script.pl",
        "/upper.PL, not executable: /upper.PL",
        "/shebang.cgi, not executable: /shebang.cgi",
        "/plain.txt/info, not executable: /plain.txt"
    })
    void withRequireExecutableAFileWithoutItsBitIs403(String path, String message) throws Exception {
        ScriptResolver strict = new ScriptResolver(root, Interpreters.parse(Interpreters.DEFAULTS), true);
        ScriptResolutionException e = assertThrows(ScriptResolutionException.class, () -> strict.resolve(path));
        assertEquals(Reason.FORBIDDEN, e.reason());
        assertEquals(message, e.getMessage());
    }

    @Test
    void withRequireExecutableAnExecutableScriptStillTakesItsInterpreter() throws Exception {
        ScriptResolver strict = new ScriptResolver(root, Interpreters.parse(Interpreters.DEFAULTS), true);
        Path real = root.toRealPath();
        assertEquals(
                new ResolvedScript(
                        real.resolve("hello.sh"),
                        "/hello.sh",
                        "",
                        List.of("sh", real.resolve("hello.sh").toString())),
                strict.resolve("/hello.sh"));
        assertEquals(
                new ResolvedScript(
                        real.resolve("exec.cgi"),
                        "/exec.cgi",
                        "",
                        List.of(real.resolve("exec.cgi").toString())),
                strict.resolve("/exec.cgi"));
    }

    // ---------------------------------------------------------------- root and nph

    @Test
    void rootIsTheRealPathOfALinkedRoot() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("rootlink"), Path.of("root"));
        ScriptResolver viaLink = new ScriptResolver(link, Interpreters.parse(Interpreters.DEFAULTS));
        assertEquals(root.toRealPath(), viaLink.root());
        assertEquals(
                root.toRealPath().resolve("sub/env.sh"),
                viaLink.resolve("/sub/env.sh").file());
    }

    @Test
    void rootMustBeAnExistingDirectory() {
        IOException notDir = assertThrows(
                IOException.class,
                () -> new ScriptResolver(root.resolve("hello.sh"), Interpreters.parse(Interpreters.DEFAULTS)));
        assertTrue(notDir.getMessage().startsWith("script root is not a directory: "), notDir.getMessage());
        assertThrows(
                IOException.class,
                () -> new ScriptResolver(tmp.resolve("missing"), Interpreters.parse(Interpreters.DEFAULTS)));
    }

    @Test
    void nphFollowsTheFileName() throws Exception {
        assertTrue(resolver.resolve("/nph-x.sh/info").nph());
        assertFalse(resolver.resolve("/hello.sh").nph());
        assertFalse(new ResolvedScript(Path.of("/r/x-nph-.sh"), "/x-nph-.sh", "", List.of("x")).nph());
        assertFalse(new ResolvedScript(Path.of("/r/nph/x.sh"), "/nph/x.sh", "", List.of("x")).nph());
    }
}

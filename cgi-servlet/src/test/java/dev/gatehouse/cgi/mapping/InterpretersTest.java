package dev.gatehouse.cgi.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The interpreter mapping and the choice of command for a script. */
class InterpretersTest {

    private static final List<String> EXTENSIONS = List.of(".pl", ".py", ".sh", ".php", ".rb", ".cgi", "");

    /** What each probe extension maps to; null when unmapped. */
    private static Map<String, List<String>> mapping(Interpreters interpreters) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String ext : EXTENSIONS) {
            m.put(ext, interpreters.forExtension(Path.of("/r/x" + ext)));
        }
        return m;
    }

    private static Map<String, List<String>> expect(List<?>... perExtension) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < EXTENSIONS.size(); i++) {
            @SuppressWarnings("unchecked")
            List<String> v = (List<String>) perExtension[i];
            m.put(EXTENSIONS.get(i), v);
        }
        return m;
    }

    record Spec(String name, String spec, Map<String, List<String>> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Spec> specs() {
        return Stream.of(
                new Spec(
                        "defaults",
                        Interpreters.DEFAULTS,
                        expect(
                                List.of("perl"),
                                List.of("python3"),
                                List.of("sh"),
                                List.of("php-cgi"),
                                List.of("ruby"),
                                null,
                                null)),
                new Spec(
                        "override with arguments, later entry wins",
                        Interpreters.DEFAULTS + ",.pl=/usr/bin/perl -T -w,.cgi=/opt/bin/run",
                        expect(
                                List.of("/usr/bin/perl", "-T", "-w"),
                                List.of("python3"),
                                List.of("sh"),
                                List.of("php-cgi"),
                                List.of("ruby"),
                                List.of("/opt/bin/run"),
                                null)),
                new Spec(
                        "removal with .sh=",
                        Interpreters.DEFAULTS + ",.sh=",
                        expect(
                                List.of("perl"),
                                List.of("python3"),
                                null,
                                List.of("php-cgi"),
                                List.of("ruby"),
                                null,
                                null)),
                new Spec(
                        "removal with only blanks after =",
                        Interpreters.DEFAULTS + ", .php=   ",
                        expect(List.of("perl"), List.of("python3"), List.of("sh"), null, List.of("ruby"), null, null)),
                new Spec(
                        "whitespace and empty entries ignored",
                        "  .PY=python3  -u ,, ,.sh=bash",
                        expect(null, List.of("python3", "-u"), List.of("bash"), null, null, null, null)),
                new Spec("empty spec maps nothing", "", expect(null, null, null, null, null, null, null)),
                new Spec("null spec maps nothing", null, expect(null, null, null, null, null, null, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void parses(Spec s) {
        assertEquals(s.expected(), mapping(Interpreters.parse(s.spec())));
    }

    @Test
    void extensionMatchIsCaseInsensitiveAndUsesTheLastDot() {
        Interpreters defaults = Interpreters.parse(Interpreters.DEFAULTS);
        assertEquals(List.of("perl"), defaults.forExtension(Path.of("/r/X.PL")));
        assertEquals(List.of("sh"), defaults.forExtension(Path.of("/r/archive.pl.sh")));
        assertNull(defaults.forExtension(Path.of("/r/x.sh.bak")));
        assertNull(defaults.forExtension(Path.of("/r.pl/noext")));
    }

    @Test
    void spaceBeforeTheEqualsSignIsNotPartOfTheExtension() {
        // ".py = python3" reads like the environment init-param, which strips the name; keeping
        // the space maps the extension ".py " that no file has, and the entry silently does nothing
        Interpreters interpreters = Interpreters.parse(".py = python3 -u");
        assertEquals(List.of("python3", "-u"), interpreters.forExtension(Path.of("/r/x.py")));
    }

    record Bad(String spec, String entry) {
        @Override
        public String toString() {
            return spec;
        }
    }

    static Stream<Bad> badSpecs() {
        return Stream.of(
                new Bad("perl", "perl"),
                new Bad(".pl", ".pl"),
                new Bad("pl=perl", "pl=perl"),
                new Bad("=perl", "=perl"),
                new Bad(".=perl", ".=perl"),
                new Bad(".pl=perl, py=python3", "py=python3"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void rejectsBadEntriesNamingThem(Bad b) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Interpreters.parse(b.spec()));
        assertEquals("expected .ext=command, got '" + b.entry() + "'", e.getMessage());
    }

    // ---------------------------------------------------------------- command

    @TempDir
    Path dir;

    /**
     * @param content the file's bytes (ISO-8859-1)
     * @param command the expected argv, {@code {file}} standing for the file; null when nothing runs it
     */
    record Command(String name, String fileName, String permissions, String content, List<String> command) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Command> commands() {
        return Stream.of(
                new Command("exec bit", "x.cgi", "rwxr-xr-x", "#!/bin/sh\n", List.of("{file}")),
                new Command("exec bit without shebang", "x.cgi", "rwx------", "\u007fELF", List.of("{file}")),
                new Command(
                        "mapping beats exec bit and shebang",
                        "x.pl",
                        "rwxr-xr-x",
                        "#!/bin/sh\n",
                        List.of("perl", "{file}")),
                new Command("mapping without exec bit", "x.py", "rw-r--r--", "", List.of("python3", "{file}")),
                new Command("shebang", "x.cgi", "rw-r--r--", "#!/bin/sh\necho\n", List.of("/bin/sh", "{file}")),
                new Command(
                        "shebang with one argument",
                        "x.cgi",
                        "rw-r--r--",
                        "#! /usr/bin/perl -w\n",
                        List.of("/usr/bin/perl", "-w", "{file}")),
                new Command(
                        "shebang: the rest of the line is one argument",
                        "x.cgi",
                        "rw-r--r--",
                        "#!/usr/bin/env python3 -u  -B \n",
                        List.of("/usr/bin/env", "python3 -u  -B", "{file}")),
                new Command(
                        "shebang with CRLF",
                        "x.cgi",
                        "rw-r--r--",
                        "#!/bin/sh\r\necho\r\n",
                        List.of("/bin/sh", "{file}")),
                new Command(
                        "shebang without a newline", "x.cgi", "rw-r--r--", "#!/bin/sh", List.of("/bin/sh", "{file}")),
                new Command(
                        "shebang line of 255 bytes",
                        "x.cgi",
                        "rw-r--r--",
                        "#!/" + "b".repeat(252) + "\n",
                        List.of("/" + "b".repeat(252), "{file}")),
                new Command("shebang line longer than 256 bytes", "x.cgi", "rw-r--r--", "#!/" + "b".repeat(300), null),
                new Command("empty shebang", "x.cgi", "rw-r--r--", "#!\n", null),
                new Command("blank shebang", "x.cgi", "rw-r--r--", "#!   \n", null),
                new Command("comment, not shebang", "x.cgi", "rw-r--r--", "# !/bin/sh\n", null),
                new Command("no shebang", "x.cgi", "rw-r--r--", "echo hi\n", null),
                new Command("empty file", "x.cgi", "rw-r--r--", "", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void command(Command c) throws Exception {
        Path file = dir.resolve(c.fileName());
        Files.write(file, c.content().getBytes(StandardCharsets.ISO_8859_1));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(c.permissions()));
        List<String> expected = c.command() == null
                ? null
                : c.command().stream()
                        .map(w -> w.equals("{file}") ? file.toString() : w)
                        .toList();
        assertEquals(expected, Interpreters.parse(Interpreters.DEFAULTS).command(file));
    }

    @Test
    void shebangReadsOnlyTheFirstLine() throws Exception {
        Path file = dir.resolve("big.cgi");
        byte[] content = new byte[1 << 20];
        Arrays.fill(content, (byte) 'x');
        byte[] line = "#!/bin/sh -e\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(line, 0, content, 0, line.length);
        Files.write(file, content);
        assertEquals(List.of("/bin/sh", "-e"), Interpreters.shebang(file));
    }
}

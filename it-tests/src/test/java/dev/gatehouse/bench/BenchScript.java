package dev.gatehouse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The trivial CGI scripts every target runs: a header block and one line, no work of their own,
 * so that what is measured is the gateway (process start, pipes, relay) and nothing else.
 */
enum BenchScript {
    SH("sh", "hello.sh", "Hello from sh\n"),
    PERL("pl", "hello.pl", "Hello from perl\n");

    private final String id;
    private final String fileName;
    private final String body;

    BenchScript(String id, String fileName, String body) {
        this.id = id;
        this.fileName = fileName;
        this.body = body;
    }

    /** The short name used in settings and the report: {@code sh}, {@code pl}. */
    String id() {
        return id;
    }

    String fileName() {
        return fileName;
    }

    /** The response body a correct gateway returns. */
    String body() {
        return body;
    }

    static BenchScript byId(String id) {
        for (BenchScript s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown script '" + id + "': expected sh or pl");
    }

    /**
     * Writes the script, executable, into {@code dir}. It starts with a {@code #!} line so that
     * fcgiwrap and the raw fork loop can exec it directly; the servlets run it through the same
     * interpreter named explicitly ({@code sh hello.sh}, {@code perl hello.pl}).
     */
    Path write(Path dir) throws IOException {
        String source =
                switch (this) {
                    case SH -> "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n" + escaped() + "'\n";
                    case PERL -> "#!" + perl() + "\nprint \"Content-Type: text/plain\\r\\n\\r\\n" + escaped() + "\";\n";
                };
        Path file = dir.resolve(fileName);
        Files.writeString(file, source, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** The interpreter the servlets are configured with. */
    String interpreter() {
        return this == SH ? "sh" : "perl";
    }

    private String escaped() {
        return body.replace("\n", "\\n");
    }

    private static String perl() {
        return Executables.find("perl")
                .map(Path::toString)
                .orElseThrow(() -> new IllegalStateException("perl is not installed: apt-get install perl"));
    }
}

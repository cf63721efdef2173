package dev.gatehouse.it.support;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test scripts kept as real files under {@code src/test/resources}, copied into a scratch
 * directory so that they run from a path the test owns. Permission bits are copied too: git and
 * the resources plugin keep the exec bit, and a file without it must stay without it (the
 * servlet refuses non-executable files that have no interpreter).
 */
public final class ScriptTree {

    private ScriptTree() {}

    /** Copies the class-path directory {@code resource} (e.g. {@code cgi-scripts}) to {@code target}. */
    public static Path copy(String resource, Path target) throws IOException {
        URL url = ScriptTree.class.getClassLoader().getResource(resource);
        if (url == null || !"file".equals(url.getProtocol())) {
            throw new IllegalStateException("test resource directory " + resource + " not found as a file: " + url);
        }
        Path source;
        try {
            source = Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(source)) {
            paths = walk.toList();
        }
        for (Path from : paths) {
            Path to = target.resolve(source.relativize(from).toString());
            if (Files.isDirectory(from)) {
                Files.createDirectories(to);
            } else {
                Files.copy(from, to);
            }
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        }
        return target;
    }
}

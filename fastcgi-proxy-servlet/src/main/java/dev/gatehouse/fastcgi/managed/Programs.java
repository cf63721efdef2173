package dev.gatehouse.fastcgi.managed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the programs a managed backend runs: a name on PATH, or failing that a versioned
 * Debian name ({@code php-fpm8.2}, the newest first) on PATH and in the directories where
 * distributions install them ({@code /usr/sbin} is often not on a service's PATH).
 */
public final class Programs {

    private static final List<Path> SYSTEM_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"));

    private Programs() {}

    /** php-fpm: {@code php-fpm}, else the newest {@code php-fpmX.Y}. */
    public static Optional<Path> phpFpm() {
        return find("php-fpm", path());
    }

    /** php-cgi: {@code php-cgi}, else the newest {@code php-cgiX.Y}. */
    public static Optional<Path> phpCgi() {
        return find("php-cgi", path());
    }

    /**
     * {@code name} itself in {@code dirs} then the system directories, else the newest
     * {@code nameX.Y} there.
     */
    static Optional<Path> find(String name, List<Path> dirs) {
        List<Path> all = new ArrayList<>(dirs);
        SYSTEM_DIRS.stream().filter(d -> !all.contains(d)).forEach(all::add);
        for (Path dir : all) {
            Path exact = dir.resolve(name);
            if (Files.isRegularFile(exact) && Files.isExecutable(exact)) {
                return Optional.of(exact);
            }
        }
        Pattern versioned = Pattern.compile(Pattern.quote(name) + "(\\d+)\\.(\\d+)");
        Comparator<Path> byVersion = Comparator.comparing(p -> version(versioned, p));
        return all.stream()
                .flatMap(Programs::list)
                .filter(p -> versioned.matcher(p.getFileName().toString()).matches())
                .filter(Files::isExecutable)
                .max(byVersion);
    }

    /**
     * The program a {@code backendCommand} names: an absolute path as it is, a bare name
     * looked up like {@link #find}.
     *
     * @throws IllegalArgumentException if it is not an executable file
     */
    public static Path resolve(String command) {
        Path path = Path.of(command);
        Optional<Path> found = path.isAbsolute() ? Optional.of(path) : find(command, path());
        if (found.isEmpty() || !Files.isExecutable(found.get()) || Files.isDirectory(found.get())) {
            throw new IllegalArgumentException("no executable " + command + " (searched PATH and " + SYSTEM_DIRS + ")");
        }
        return found.get();
    }

    private static int version(Pattern versioned, Path p) {
        var m = versioned.matcher(p.getFileName().toString());
        m.matches();
        return Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2));
    }

    private static Stream<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Stream.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList().stream();
        } catch (IOException e) {
            return Stream.empty(); // an unreadable directory holds nothing we could run
        }
    }

    private static List<Path> path() {
        String path = System.getenv("PATH");
        if (path == null) {
            return List.of();
        }
        return Stream.of(path.split(java.io.File.pathSeparator))
                .filter(s -> !s.isEmpty())
                .map(Path::of)
                .filter(Path::isAbsolute)
                .toList();
    }
}

package dev.gatehouse.cgi.mapping;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses the command that runs a script: an interpreter mapped from the file extension, else
 * the file itself when it is executable, else the interpreter named on its {@code #!} line (so
 * that scripts unpacked from a WAR, which loses permission bits, still run).
 */
public final class Interpreters {

    /** The default mapping: {@code .pl=perl, .py=python3, .sh=sh, .php=php-cgi, .rb=ruby}. */
    public static final String DEFAULTS = ".pl=perl,.py=python3,.sh=sh,.php=php-cgi,.rb=ruby";

    private static final int MAX_SHEBANG = 256;

    private final Map<String, List<String>> byExtension;

    private Interpreters(Map<String, List<String>> byExtension) {
        this.byExtension = Map.copyOf(byExtension);
    }

    /**
     * Parses a comma-separated list of {@code .ext=command [args]}; an empty command removes the
     * mapping for that extension.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static Interpreters parse(String spec) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        if (spec != null) {
            for (String entry : spec.split(",")) {
                String item = entry.strip();
                if (item.isEmpty()) {
                    continue;
                }
                int eq = item.indexOf('=');
                if (eq <= 1 || item.charAt(0) != '.' || item.substring(1, eq).isBlank()) {
                    throw new IllegalArgumentException("expected .ext=command, got '" + item + "'");
                }
                String ext = item.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                List<String> command = words(item.substring(eq + 1));
                if (command.isEmpty()) {
                    map.remove(ext);
                } else {
                    map.put(ext, command);
                }
            }
        }
        return new Interpreters(map);
    }

    /** The interpreter mapped to the file's extension, or null. */
    public List<String> forExtension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : byExtension.get(name.substring(dot).toLowerCase(Locale.ROOT));
    }

    /**
     * The argv that runs {@code file}, or null when nothing can run it (no mapping, not
     * executable, no {@code #!} line).
     */
    public List<String> command(Path file) throws IOException {
        List<String> interpreter = forExtension(file);
        List<String> argv = new ArrayList<>();
        if (interpreter != null) {
            argv.addAll(interpreter);
        } else if (!Files.isExecutable(file)) {
            List<String> shebang = shebang(file);
            if (shebang == null) {
                return null;
            }
            argv.addAll(shebang);
        }
        argv.add(file.toString());
        return argv;
    }

    /** The interpreter and its optional single argument from a {@code #!} first line, or null. */
    static List<String> shebang(Path file) throws IOException {
        byte[] head = new byte[MAX_SHEBANG];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n < 3 || head[0] != '#' || head[1] != '!') {
            return null;
        }
        int end = 2;
        while (end < n && head[end] != '\n') {
            end++;
        }
        if (end == n && n == MAX_SHEBANG) {
            return null;
        }
        String line = new String(head, 2, end - 2, StandardCharsets.UTF_8).strip();
        // the kernel's rule: the interpreter, then at most one argument (the rest of the line)
        int space = indexOfWhitespace(line);
        List<String> argv = new ArrayList<>();
        if (space < 0) {
            argv.add(line);
        } else {
            argv.add(line.substring(0, space));
            String arg = line.substring(space).strip();
            if (!arg.isEmpty()) {
                argv.add(arg);
            }
        }
        return argv.get(0).isEmpty() ? null : argv;
    }

    /** Equal for the same command per extension (a typed and a parsed config compare equal). */
    @Override
    public boolean equals(Object other) {
        return other instanceof Interpreters i && byExtension.equals(i.byExtension);
    }

    @Override
    public int hashCode() {
        return byExtension.hashCode();
    }

    @Override
    public String toString() {
        return byExtension.toString();
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> words(String s) {
        List<String> words = new ArrayList<>();
        for (String w : s.strip().split("\\s+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }
}

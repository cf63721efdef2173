package dev.gatehouse.cgi.mapping;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A request path split into the script and the rest (RFC 3875 §4.1.13 and §4.1.5).
 *
 * @param file the script's real path, inside the script root
 * @param scriptPath the leading path segments that name the script, with a leading {@code /}
 *     (empty for a single-program mapping)
 * @param pathInfo the remaining segments, with a leading {@code /}, or empty
 * @param command the argv that runs it: an interpreter and the script, or the script alone
 */
public record ResolvedScript(Path file, String scriptPath, String pathInfo, List<String> command) {

    public ResolvedScript {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(scriptPath, "scriptPath");
        pathInfo = pathInfo == null ? "" : pathInfo;
        command = List.copyOf(command);
    }

    /** Whether this is a non-parsed-header script (§5): its file name starts with {@code nph-}. */
    public boolean nph() {
        return file.getFileName().toString().startsWith("nph-");
    }
}

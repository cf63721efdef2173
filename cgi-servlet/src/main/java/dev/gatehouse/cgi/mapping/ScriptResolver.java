package dev.gatehouse.cgi.mapping;

import dev.gatehouse.cgi.mapping.ScriptResolutionException.Reason;
import dev.gatehouse.servlet.path.ConfinedWalk;
import dev.gatehouse.servlet.path.PathRefusal;
import dev.gatehouse.servlet.path.SymlinkPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the script a request path names under a script root (RFC 3875 §3.3): walking the
 * path's segments from the left, the first one that names a regular file is the script, and the
 * segments after it are PATH_INFO. Directories nest.
 *
 * <p>Confinement is the shared {@link ConfinedWalk}, the one the FastCGI proxy's try-files
 * mapping uses too: segments {@code .} and {@code ..}, empty segments, and segments holding a
 * backslash or NUL are refused (404); any segment starting with {@code .} (hidden files such as
 * {@code .htaccess}, directories such as {@code .git}) is forbidden (403); and the script's real
 * path, symbolic links resolved, must lie inside the script root's real path (or where the
 * {@link SymlinkPolicy} lets links go). Here the segments are checked as they are walked, and
 * those of PATH_INFO once the script is found ({@link ConfinedWalk#checkPathInfo}).
 */
public final class ScriptResolver {

    private final ConfinedWalk walk;
    private final boolean requireExecutable;
    private final Interpreters interpreters;

    /**
     * @param root the script root; it must exist and be a directory
     * @throws IOException if the root cannot be resolved
     */
    public ScriptResolver(Path root, Interpreters interpreters) throws IOException {
        this(root, interpreters, false);
    }

    /**
     * @param requireExecutable whether a script needs its execute bit even when its extension
     *     has an interpreter (where permission bits are real: an absolute file-system root)
     */
    public ScriptResolver(Path root, Interpreters interpreters, boolean requireExecutable) throws IOException {
        this(root, interpreters, requireExecutable, SymlinkPolicy.INSIDE_ROOT);
    }

    /** @param symlinks which links the lookup follows ({@code followSymlinks}, {@code linkTargets}) */
    public ScriptResolver(Path root, Interpreters interpreters, boolean requireExecutable, SymlinkPolicy symlinks)
            throws IOException {
        // a script's own path may not pass through .well-known; its PATH_INFO may
        this.walk = new ConfinedWalk(root, "script root", symlinks, false, "script");
        this.requireExecutable = requireExecutable;
        this.interpreters = interpreters;
    }

    /** The real path of the script root. */
    public Path root() {
        return walk.root();
    }

    /**
     * Resolves a decoded request path relative to the script root, e.g.
     * {@code /sub/env.sh/extra/info} → script {@code sub/env.sh}, PATH_INFO {@code /extra/info}.
     */
    public ResolvedScript resolve(String path) throws ScriptResolutionException, IOException {
        if (path == null || path.isEmpty() || path.equals("/")) {
            throw new ScriptResolutionException(Reason.NOT_FOUND, "no script named in the path");
        }
        List<String> segments = Arrays.asList((path.startsWith("/") ? path.substring(1) : path).split("/", -1));
        ConfinedWalk.Stop stop;
        try {
            stop = walk.walk(segments, path);
        } catch (PathRefusal r) {
            throw refused(r);
        }
        if (stop.missing()) {
            throw new ScriptResolutionException(Reason.NOT_FOUND, "no such script: " + path);
        }
        if (stop.entry().attributes().isDirectory()) {
            throw new ScriptResolutionException(Reason.NOT_FOUND, "path names a directory, not a script: " + path);
        }
        if (!stop.entry().attributes().isRegularFile()) {
            throw new ScriptResolutionException(Reason.FORBIDDEN, "not a regular file: " + path);
        }
        Path file = stop.entry().file();
        int i = stop.index();
        try {
            ConfinedWalk.checkPathInfo(segments.subList(i + 1, segments.size()), path);
        } catch (PathRefusal r) {
            throw refused(r);
        }
        String scriptPath = "/" + String.join("/", segments.subList(0, i + 1));
        String pathInfo =
                i + 1 < segments.size() ? "/" + String.join("/", segments.subList(i + 1, segments.size())) : "";
        if (requireExecutable && !Files.isExecutable(file)) {
            throw new ScriptResolutionException(Reason.FORBIDDEN, "not executable: " + scriptPath);
        }
        List<String> command = interpreters.command(file);
        if (command == null) {
            throw new ScriptResolutionException(
                    Reason.FORBIDDEN, "not executable and no interpreter for it: " + scriptPath);
        }
        return new ResolvedScript(file, scriptPath, pathInfo, command);
    }

    private static ScriptResolutionException refused(PathRefusal r) {
        Reason reason = r.status() == PathRefusal.Status.NOT_FOUND ? Reason.NOT_FOUND : Reason.FORBIDDEN;
        return new ScriptResolutionException(reason, r.getMessage());
    }
}

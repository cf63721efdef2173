package dev.gatehouse.cgi.exec;

import dev.gatehouse.cgi.exec.ScriptResolutionException.Reason;
import dev.gatehouse.servlet.path.SymlinkPolicy;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the script a request path names under a script root (RFC 3875 §3.3): walking the
 * path's segments from the left, the first one that names a regular file is the script, and the
 * segments after it are PATH_INFO. Directories nest.
 *
 * <p>Confinement: segments {@code .} and {@code ..}, empty segments, and segments holding a
 * backslash or NUL are refused; any segment starting with {@code .} (hidden files such as
 * {@code .htaccess}, directories such as {@code .git}) is forbidden; and the script's real path,
 * symbolic links resolved, must lie inside the script root's real path.
 */
public final class ScriptResolver {

    /** RFC 8615's directory, the one hidden name a path may hold. */
    private static final String WELL_KNOWN = ".well-known";

    private final SymlinkPolicy symlinks;
    private final Path root;
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
        this.symlinks = java.util.Objects.requireNonNull(symlinks, "symlinks");
        this.requireExecutable = requireExecutable;
        this.root = root.toRealPath();
        if (!Files.isDirectory(this.root)) {
            throw new IOException("script root is not a directory: " + this.root);
        }
        this.interpreters = interpreters;
    }

    /** The real path of the script root. */
    public Path root() {
        return root;
    }

    /**
     * Resolves a decoded request path relative to the script root, e.g.
     * {@code /sub/env.sh/extra/info} → script {@code sub/env.sh}, PATH_INFO {@code /extra/info}.
     */
    public ResolvedScript resolve(String path) throws ScriptResolutionException, IOException {
        if (path == null || path.isEmpty() || path.equals("/")) {
            throw new ScriptResolutionException(Reason.NOT_FOUND, "no script named in the path");
        }
        String[] segments = (path.startsWith("/") ? path.substring(1) : path).split("/", -1);
        Path candidate = root;
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            checkSegment(segment, path);
            candidate = candidate.resolve(segment);
            BasicFileAttributes attrs = attributes(candidate, path);
            if (attrs.isSymbolicLink()) {
                // only links need resolving: every other segment is already real under the root
                Path link = candidate;
                candidate = realPath(candidate, path);
                String refusal = symlinks.refusal(link, candidate, root);
                if (refusal != null) {
                    throw new ScriptResolutionException(Reason.FORBIDDEN, refusal + ": " + path);
                }
                attrs = attributes(candidate, path);
            }
            if (attrs.isDirectory()) {
                continue;
            }
            if (!attrs.isRegularFile()) {
                throw new ScriptResolutionException(Reason.FORBIDDEN, "not a regular file: " + path);
            }
            for (int k = i + 1; k < segments.length; k++) {
                checkPathInfoSegment(segments[k], path);
            }
            String scriptPath = "/" + String.join("/", Arrays.asList(segments).subList(0, i + 1));
            String pathInfo = i + 1 < segments.length
                    ? "/" + String.join("/", Arrays.asList(segments).subList(i + 1, segments.length))
                    : "";
            if (requireExecutable && !Files.isExecutable(candidate)) {
                throw new ScriptResolutionException(Reason.FORBIDDEN, "not executable: " + scriptPath);
            }
            List<String> command = interpreters.command(candidate);
            if (command == null) {
                throw new ScriptResolutionException(
                        Reason.FORBIDDEN, "not executable and no interpreter for it: " + scriptPath);
            }
            return new ResolvedScript(candidate, scriptPath, pathInfo, command);
        }
        throw new ScriptResolutionException(Reason.NOT_FOUND, "path names a directory, not a script: " + path);
    }

    private static Path realPath(Path link, String path) throws ScriptResolutionException, IOException {
        try {
            return link.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ScriptResolutionException(Reason.NOT_FOUND, "no such script: " + path); // dangling link
        } catch (AccessDeniedException e) {
            throw new ScriptResolutionException(Reason.FORBIDDEN, "link not resolvable: " + path);
        } catch (FileSystemException e) {
            // a loop, a name too long: the client chose it, so no 500 and no file-system path
            throw new ScriptResolutionException(
                    Reason.NOT_FOUND, "link not resolvable (" + e.getReason() + "): " + path);
        }
    }

    /** One lstat: the file's own attributes, a link not followed. */
    private static BasicFileAttributes attributes(Path file, String path)
            throws ScriptResolutionException, IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new ScriptResolutionException(Reason.NOT_FOUND, "no such script: " + path);
        } catch (AccessDeniedException e) {
            throw new ScriptResolutionException(Reason.FORBIDDEN, "not accessible: " + path);
        } catch (FileSystemException e) {
            // e.g. a name too long for the file system: no script can have it
            throw new ScriptResolutionException(Reason.NOT_FOUND, "no such script (" + e.getReason() + "): " + path);
        }
    }

    /**
     * A segment of PATH_INFO: it never names a file here, but PATH_TRANSLATED maps it under the
     * document root, and a script may open it; so dot segments and hidden names are refused as
     * in the script's own path ({@code /env.sh/.git/config} is 403), empty ones allowed
     * ({@code /env.sh/} has PATH_INFO {@code /}). {@code .well-known} passes, as in the proxy.
     */
    private static void checkPathInfoSegment(String segment, String path) throws ScriptResolutionException {
        if (!segment.isEmpty() && !segment.equals(WELL_KNOWN)) {
            checkSegment(segment, path);
        }
    }

    private static void checkSegment(String segment, String path) throws ScriptResolutionException {
        if (segment.isEmpty()
                || segment.equals(".")
                || segment.equals("..")
                || segment.indexOf('\\') >= 0
                || segment.indexOf('\0') >= 0) {
            throw new ScriptResolutionException(Reason.NOT_FOUND, "illegal path segment in " + path);
        }
        if (segment.charAt(0) == '.') {
            throw new ScriptResolutionException(Reason.FORBIDDEN, "hidden path segment in " + path);
        }
    }
}

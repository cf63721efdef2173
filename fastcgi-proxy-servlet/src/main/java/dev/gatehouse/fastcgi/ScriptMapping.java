package dev.gatehouse.fastcgi;

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
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Maps a decoded request path (servlet path + path info, relative to the context) to a
 * {@link Route} by looking at the document root, with the try-files semantics of an nginx
 * php-fpm setup ({@code fastcgi_split_path_info}, {@code try_files $uri $uri/ /index.php}).
 *
 * <p><b>Syntax.</b> The path is {@code /s1/s2/…/sn}, optionally with a trailing {@code /}. A
 * segment that is empty ({@code //}), {@code .} or {@code ..}, or holds a backslash or NUL is
 * 404; a segment starting with {@code .} is 403 (hidden files such as {@code .env},
 * directories such as {@code .git}), except {@code .well-known} (RFC 8615); a first segment
 * {@code WEB-INF} or {@code META-INF} (any case) is 404, as the container itself would answer.
 * Encoded forms ({@code %2e%2e}, {@code %00}) are checked as they arrive here, decoded.
 *
 * <p><b>The split.</b> Walk the prefixes {@code P_k = /s1/…/sk}, k = 1…n, on the file system:
 * <ol>
 *   <li>P_k a directory: go on with k+1; if k = n, it is a directory request (below).
 *   <li>P_k a regular file whose path P_k matches {@code scriptPattern} in full: this is the
 *       <b>script</b>; PATH_INFO is the rest of the path after P_k (empty or starting with
 *       {@code /}).
 *   <li>P_k a regular file not matching: a <b>static</b> file if k = n and there is no trailing
 *       slash; otherwise stop. A non-script file never has a path below it, and is never run.
 *   <li>P_k missing (or a dangling link): stop. Any other file type: 403.
 * </ol>
 * The script is thus the <em>shortest</em> prefix ending at a segment boundary that matches the
 * pattern and is a regular file, all shorter prefixes being directories; with the default
 * {@code .+\.php} that is nginx's {@code ^(.+\.php)(/.+)$} made non-greedy and bound to
 * segments, followed by {@code try_files $fastcgi_script_name =404}.
 *
 * <p><b>After a stop.</b> If any prefix P_j of the path matches the pattern, the path names a
 * script that does not exist: 404. This is what defeats the {@code cgi.fix_pathinfo} attack:
 * {@code /uploads/evil.jpg/x.php} names the script {@code /uploads/evil.jpg/x.php}, which does
 * not exist, so nothing is forwarded and php-fpm never gets the chance to fall back to
 * {@code evil.jpg}. Otherwise the path goes to the front controller when one is configured
 * (with the whole path as PATH_INFO), else 404.
 *
 * <p><b>Directory requests</b> try the index file in the directory: a script when it matches
 * the pattern, else a static file; without one, the front controller, else 404.
 *
 * <p><b>Confinement.</b> Each prefix is examined without following links; a symbolic link is
 * resolved and must lie under the real document root, else 403. Files are reported by their
 * real path, and a script reached through a link must match the pattern by its real path under
 * the root too (else 403), so a {@code .php} link to an uploaded {@code .jpg} never runs.
 * The check races with changes to the tree (a link swapped in after it); a document root that
 * untrusted users can write links into is not safe with any front server.
 */
public final class ScriptMapping {

    private static final String WELL_KNOWN = ".well-known";

    private final Path root;
    private final Pattern scriptPattern;
    private final String indexFile;
    private final String frontController;
    private final SymlinkPolicy symlinks;

    /**
     * @param documentRoot an existing directory
     * @param scriptPattern what a script's path under the context must match in full
     * @param indexFile the file name tried in a directory
     * @param frontController a path such as {@code /index.php} for paths naming no file, or null
     * @throws IOException if the document root is not a directory
     */
    public ScriptMapping(Path documentRoot, Pattern scriptPattern, String indexFile, String frontController)
            throws IOException {
        this(documentRoot, scriptPattern, indexFile, frontController, SymlinkPolicy.INSIDE_ROOT);
    }

    /** @param symlinks which links the lookup follows ({@code followSymlinks}, {@code linkTargets}) */
    public ScriptMapping(
            Path documentRoot, Pattern scriptPattern, String indexFile, String frontController, SymlinkPolicy symlinks)
            throws IOException {
        this.symlinks = Objects.requireNonNull(symlinks, "symlinks");
        this.root = documentRoot.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new IOException("document root is not a directory: " + root);
        }
        this.scriptPattern = Objects.requireNonNull(scriptPattern, "scriptPattern");
        if (indexFile.isEmpty() || indexFile.indexOf('/') >= 0) {
            throw new IllegalArgumentException("index file must be a file name: " + indexFile);
        }
        this.indexFile = indexFile;
        if (frontController != null && !frontController.startsWith("/")) {
            throw new IllegalArgumentException("front controller must start with /: " + frontController);
        }
        this.frontController = frontController;
    }

    /** The mapping a configuration describes, over its document root found on the file system. */
    public static ScriptMapping of(Path documentRoot, FastCgiConfig config) throws IOException {
        return new ScriptMapping(
                documentRoot, config.scriptPattern(), config.indexFile(), config.frontController(), config.symlinks());
    }

    /** The real path of the document root. */
    public Path documentRoot() {
        return root;
    }

    /**
     * Where a request path goes.
     *
     * @param contextPath the context path, {@code ""} for the root context; prefixed to
     *     SCRIPT_NAME and DOCUMENT_URI
     * @param path the decoded path under the context (servlet path + path info); null or empty
     *     is {@code /}
     * @throws IOException if the file system fails otherwise than by a missing or inaccessible file
     */
    public Route map(String contextPath, String path) throws IOException {
        String context = contextPath == null ? "" : contextPath;
        String p = path == null || path.isEmpty() ? "/" : path;
        if (!p.startsWith("/")) {
            return new Route.NotFound("not an absolute path: " + p);
        }
        boolean trailingSlash = p.length() > 1 && p.endsWith("/");
        String body = p.substring(1, trailingSlash ? p.length() - 1 : p.length());
        List<String> segments = body.isEmpty() ? List.of() : List.of(body.split("/", -1));
        Route refused = checkSyntax(segments, p);
        if (refused != null) {
            return refused;
        }
        try {
            return walk(context, p, segments, trailingSlash);
        } catch (Refusal r) {
            return r.route;
        }
    }

    private static Route checkSyntax(List<String> segments, String path) {
        for (String s : segments) {
            if (s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('\\') >= 0 || s.indexOf('\0') >= 0) {
                return new Route.NotFound("illegal path segment in " + printable(path));
            }
        }
        for (String s : segments) {
            if (s.charAt(0) == '.' && !s.equals(WELL_KNOWN)) {
                return new Route.Forbidden("hidden path segment in " + path);
            }
        }
        if (!segments.isEmpty()) {
            String first = segments.get(0).toUpperCase(Locale.ROOT);
            if (first.equals("WEB-INF") || first.equals("META-INF")) {
                return new Route.NotFound("protected directory of the web application: " + path);
            }
        }
        return null;
    }

    private Route walk(String context, String path, List<String> segments, boolean trailingSlash)
            throws IOException, Refusal {
        Path dir = root;
        StringBuilder prefix = new StringBuilder();
        for (int k = 0; k < segments.size(); k++) {
            prefix.append('/').append(segments.get(k));
            Entry entry = lookup(dir, segments.get(k), path);
            if (entry == null) {
                break;
            }
            boolean last = k == segments.size() - 1;
            if (entry.attrs.isDirectory()) {
                if (last) {
                    return directory(context, path, prefix.toString(), entry.file);
                }
                dir = entry.file;
                continue;
            }
            if (!entry.attrs.isRegularFile()) {
                throw new Refusal(new Route.Forbidden("not a regular file: " + prefix));
            }
            String candidate = prefix.toString();
            if (isScript(candidate)) {
                requireScriptFile(candidate, entry.file);
                String pathInfo = path.substring(candidate.length());
                return script(context, candidate, entry.file, pathInfo, context + path);
            }
            if (last && !trailingSlash) {
                return new Route.Static(candidate, entry.file);
            }
            break;
        }
        if (segments.isEmpty()) {
            return directory(context, path, "", root);
        }
        String named = namedScript(segments);
        if (named != null) {
            return new Route.NotFound("no such script: " + named);
        }
        return frontControllerOr(context, path, "no such file: " + path);
    }

    private Route directory(String context, String path, String dirPath, Path dir) throws IOException, Refusal {
        String indexPath = dirPath + "/" + indexFile;
        Entry index = lookup(dir, indexFile, indexPath);
        if (index != null && index.attrs.isRegularFile()) {
            if (!isScript(indexPath)) {
                return new Route.Static(indexPath, index.file);
            }
            requireScriptFile(indexPath, index.file);
            return script(context, indexPath, index.file, "", context + indexPath);
        }
        return frontControllerOr(
                context, path, "directory without " + indexFile + ": " + (dirPath.isEmpty() ? "/" : dirPath));
    }

    private Route frontControllerOr(String context, String path, String reason) throws IOException, Refusal {
        if (frontController == null) {
            return new Route.NotFound(reason);
        }
        Path dir = root;
        Entry entry = null;
        String[] segments = frontController.substring(1).split("/");
        for (int k = 0; k < segments.length; k++) {
            entry = lookup(dir, segments[k], frontController);
            boolean last = k == segments.length - 1;
            if (entry == null || (last ? !entry.attrs.isRegularFile() : !entry.attrs.isDirectory())) {
                return new Route.NotFound("front controller " + frontController + " is not a file, for " + path);
            }
            dir = entry.file;
        }
        return script(context, frontController, entry.file, path, context + frontController);
    }

    private Route script(String context, String scriptPath, Path file, String pathInfo, String documentUri) {
        String translated = pathInfo.isEmpty() ? null : root + pathInfo;
        return new Route.Script(new ScriptTarget(
                context + scriptPath, file.toString(), pathInfo, translated, root.toString(), documentUri));
    }

    /**
     * A script reached through a link must be a script where it really is, too: a
     * {@code x.php} link to {@code uploads/evil.jpg} is not run.
     */
    private void requireScriptFile(String scriptPath, Path file) throws Refusal {
        String real = "/"
                + root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        if (!isScript(real)) {
            throw new Refusal(new Route.Forbidden("script " + scriptPath + " is a link to a non-script file " + real));
        }
    }

    private boolean isScript(String path) {
        return scriptPattern.matcher(path).matches();
    }

    /** The shortest prefix of the path, at a segment boundary, that matches the script pattern. */
    private String namedScript(List<String> segments) {
        StringBuilder prefix = new StringBuilder();
        for (String segment : segments) {
            prefix.append('/').append(segment);
            if (isScript(prefix.toString())) {
                return prefix.toString();
            }
        }
        return null;
    }

    /** A file as found: its real path and own attributes. */
    private record Entry(Path file, BasicFileAttributes attrs) {}

    /**
     * One segment under a real directory: null if missing; a link resolved and confined to the
     * root.
     */
    private Entry lookup(Path dir, String name, String path) throws IOException, Refusal {
        Path file = dir.resolve(name);
        BasicFileAttributes attrs = attributes(file, path);
        if (attrs == null || !attrs.isSymbolicLink()) {
            return attrs == null ? null : new Entry(file, attrs);
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            return null; // dangling link
        } catch (AccessDeniedException e) {
            throw new Refusal(new Route.Forbidden("link not resolvable: " + path));
        } catch (FileSystemException e) {
            throw new Refusal(new Route.NotFound("link not resolvable (" + e.getReason() + "): " + path));
        }
        String refusal = symlinks.refusal(file, real, root);
        if (refusal != null) {
            throw new Refusal(new Route.Forbidden(refusal + ": " + path));
        }
        attrs = attributes(real, path);
        return attrs == null ? null : new Entry(real, attrs);
    }

    /** One lstat; null when there is no such file. */
    private static BasicFileAttributes attributes(Path file, String path) throws IOException, Refusal {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException | NotDirectoryException e) {
            return null;
        } catch (AccessDeniedException e) {
            throw new Refusal(new Route.Forbidden("not accessible: " + path));
        } catch (FileSystemException e) {
            // e.g. a name too long for the file system: no file can have it
            throw new Refusal(new Route.NotFound("no such file (" + e.getReason() + "): " + path));
        }
    }

    private static String printable(String path) {
        return path.replace("\0", "\\0");
    }

    /** A mapping decided inside the walk: it ends the walk. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Route route;

        Refusal(Route route) {
            super(null, null, false, false);
            this.route = route;
        }
    }
}

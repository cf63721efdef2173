package dev.gatehouse.fastcgi.mapping;

import dev.gatehouse.cgi.meta.ScriptLocation;
import dev.gatehouse.servlet.path.ConfinedWalk;
import dev.gatehouse.servlet.path.PathRefusal;
import dev.gatehouse.servlet.path.SymlinkPolicy;
import java.io.IOException;
import java.nio.file.Path;
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
 * <p><b>Confinement</b> is the shared {@link ConfinedWalk}, the one the CGI servlet's script
 * resolution uses too; here the whole path is checked before the first lookup ({@link
 * ConfinedWalk#checkAll}), since what the walk does not reach goes to the front controller. Each
 * prefix is examined without following links; a symbolic link is resolved and must lie under the
 * real document root (or where the {@link SymlinkPolicy} lets links go), else 403. Files are reported by their
 * real path, and a script reached through a link must match the pattern by its real path under
 * the root too (else 403), so a {@code .php} link to an uploaded {@code .jpg} never runs.
 * The check races with changes to the tree (a link swapped in after it); a document root that
 * untrusted users can write links into is not safe with any front server.
 */
public final class ScriptMapping {

    private final ConfinedWalk walk;
    private final Path root;
    private final Pattern scriptPattern;
    private final String indexFile;
    private final String frontController;

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
        // .well-known passes anywhere: ACME challenges are served from the document root
        this.walk = new ConfinedWalk(documentRoot, "document root", symlinks, true, "file");
        this.root = walk.root();
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
        try {
            // the whole path before any lookup: what the walk does not reach goes to the front
            // controller as PATH_INFO; no NUL is left in the path once this passes
            walk.checkAll(segments, printable(p));
            Route refused = protectedDirectory(segments, p);
            return refused != null ? refused : walk(context, p, segments, trailingSlash);
        } catch (PathRefusal r) {
            return r.status() == PathRefusal.Status.NOT_FOUND
                    ? new Route.NotFound(r.getMessage())
                    : new Route.Forbidden(r.getMessage());
        }
    }

    private static Route protectedDirectory(List<String> segments, String path) {
        if (!segments.isEmpty()) {
            String first = segments.get(0).toUpperCase(Locale.ROOT);
            if (first.equals("WEB-INF") || first.equals("META-INF")) {
                return new Route.NotFound("protected directory of the web application: " + path);
            }
        }
        return null;
    }

    private Route walk(String context, String path, List<String> segments, boolean trailingSlash)
            throws IOException, PathRefusal {
        if (segments.isEmpty()) {
            return directory(context, path, "", root);
        }
        ConfinedWalk.Stop stop = walk.walk(segments, path);
        if (!stop.missing()) {
            String candidate = "/" + String.join("/", segments.subList(0, stop.index() + 1));
            ConfinedWalk.Entry entry = stop.entry();
            if (entry.attributes().isDirectory()) {
                return directory(context, path, candidate, entry.file());
            }
            if (!entry.attributes().isRegularFile()) {
                return new Route.Forbidden("not a regular file: " + candidate);
            }
            if (isScript(candidate)) {
                requireScriptFile(candidate, entry.file());
                String pathInfo = path.substring(candidate.length());
                return script(context, candidate, entry.file(), pathInfo, context + path);
            }
            if (stop.index() == segments.size() - 1 && !trailingSlash) {
                return new Route.Static(candidate, entry.file());
            }
        }
        String named = namedScript(segments);
        if (named != null) {
            return new Route.NotFound("no such script: " + named);
        }
        return frontControllerOr(context, path, "no such file: " + path);
    }

    private Route directory(String context, String path, String dirPath, Path dir) throws IOException, PathRefusal {
        String indexPath = dirPath + "/" + indexFile;
        ConfinedWalk.Entry index = walk.lookup(dir, indexFile, indexPath);
        if (index != null && index.attributes().isRegularFile()) {
            if (!isScript(indexPath)) {
                return new Route.Static(indexPath, index.file());
            }
            requireScriptFile(indexPath, index.file());
            return script(context, indexPath, index.file(), "", context + indexPath);
        }
        return frontControllerOr(
                context, path, "directory without " + indexFile + ": " + (dirPath.isEmpty() ? "/" : dirPath));
    }

    private Route frontControllerOr(String context, String path, String reason) throws IOException, PathRefusal {
        if (frontController == null) {
            return new Route.NotFound(reason);
        }
        Path dir = root;
        ConfinedWalk.Entry entry = null;
        String[] segments = frontController.substring(1).split("/");
        for (int k = 0; k < segments.length; k++) {
            entry = walk.lookup(dir, segments[k], frontController);
            boolean last = k == segments.length - 1;
            if (entry == null
                    || (last
                            ? !entry.attributes().isRegularFile()
                            : !entry.attributes().isDirectory())) {
                return new Route.NotFound("front controller " + frontController + " is not a file, for " + path);
            }
            dir = entry.file();
        }
        return script(context, frontController, entry.file(), path, context + frontController);
    }

    private Route script(String context, String scriptPath, Path file, String pathInfo, String documentUri) {
        String translated = pathInfo.isEmpty() ? null : root + pathInfo;
        return new Route.Script(new ScriptLocation(
                context + scriptPath, pathInfo, translated, file.toString(), root.toString(), documentUri));
    }

    /**
     * A script reached through a link must be a script where it really is, too: a
     * {@code x.php} link to {@code uploads/evil.jpg} is not run.
     */
    private void requireScriptFile(String scriptPath, Path file) throws PathRefusal {
        String real = "/"
                + root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        if (!isScript(real)) {
            throw new PathRefusal(
                    PathRefusal.Status.FORBIDDEN, "script " + scriptPath + " is a link to a non-script file " + real);
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

    private static String printable(String path) {
        return path.replace("\0", "\\0");
    }
}

package dev.gatehouse.servlet.path;

import dev.gatehouse.servlet.path.PathRefusal.Status;
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
import java.util.Objects;

/**
 * The one walk that confines a decoded request path to a root directory, used by the CGI
 * servlet's script resolution and the FastCGI proxy's try-files mapping.
 *
 * <p><b>Segments.</b> A segment that is empty ({@code //}), {@code .} or {@code ..}, or holds a
 * backslash or NUL, names nothing: 404. A segment starting with {@code .} is hidden ({@code
 * .env}, {@code .htaccess}, {@code .git}): 403, except RFC 8615's {@code .well-known} where the
 * walk allows it. Encoded forms ({@code %2e%2e}, {@code %00}, {@code %5c}) are checked as the
 * container decoded them, so they arrive here as the characters they encode.
 *
 * <p><b>Links.</b> Each segment is examined without following links ({@code lstat}), so every
 * path the walk holds is a real path under the root's real path; a symbolic link is resolved
 * and then followed only when the {@link SymlinkPolicy} allows its target (by default: under the
 * root), else 403. A dangling link is a missing file. The check races with changes to the tree (a
 * link swapped in after it); a root that untrusted users can write links into is not safe with
 * any front server.
 *
 * <p><b>What differs between the gateways</b> is a parameter or a method of its own here, so
 * that each keeps what it answered before:
 *
 * <ul>
 *   <li>When segments are checked: the CGI servlet checks each as {@link #walk} reaches it and the
 *       segments past its script with {@link #checkPathInfo} (empty ones and {@code .well-known}
 *       pass there: PATH_INFO {@code /} is legal); the FastCGI proxy checks the whole path first
 *       with {@link #checkAll}, all 404s before any 403, since whatever the walk does not reach
 *       goes to its front controller as PATH_INFO.
 *   <li>Whether a walked segment may be {@code .well-known} ({@code wellKnown}): yes for the
 *       FastCGI proxy, which serves ACME challenges from its document root; no for a script's own
 *       path under the CGI script root.
 *   <li>The word for what is looked for ({@code noun}: {@code script} or {@code file}) in the
 *       reason given for a name the file system cannot hold.
 *   <li>What a stop means: the walk reports where it stopped ({@link Stop}); a missing file, a
 *       directory or a file that is not regular is the caller's to answer.
 * </ul>
 */
public final class ConfinedWalk {

    /** RFC 8615's directory, the one hidden name a path may hold where the walk allows it. */
    public static final String WELL_KNOWN = ".well-known";

    private final Path root;
    private final SymlinkPolicy symlinks;
    private final boolean wellKnown;
    private final String noun;

    /**
     * @param root the root directory; its real path is the boundary
     * @param rootName what the root is called in the exception when it is not a directory, e.g.
     *     {@code script root}
     * @param symlinks which links the walk follows ({@code followSymlinks}, {@code linkTargets})
     * @param wellKnown whether a walked segment may be {@code .well-known}
     * @param noun what the walk looks for, in its reasons: {@code script} or {@code file}
     * @throws IOException if the root does not exist or is not a directory
     */
    public ConfinedWalk(Path root, String rootName, SymlinkPolicy symlinks, boolean wellKnown, String noun)
            throws IOException {
        this.symlinks = Objects.requireNonNull(symlinks, "symlinks");
        this.noun = Objects.requireNonNull(noun, "noun");
        this.wellKnown = wellKnown;
        this.root = root.toRealPath();
        if (!Files.isDirectory(this.root)) {
            throw new IOException(rootName + " is not a directory: " + this.root);
        }
    }

    /** The real path of the root. */
    public Path root() {
        return root;
    }

    /** A file as found: its real path (a link resolved) and its own attributes. */
    public record Entry(Path file, BasicFileAttributes attributes) {}

    /**
     * Where a walk stopped.
     *
     * @param index the segment it stopped at; -1 for a path of no segments, which stops at the root
     * @param entry what that segment names: a file that is not a directory, a directory only when
     *     it is the last segment, or null when nothing is there (a dangling link included)
     */
    public record Stop(int index, Entry entry) {
        /** Whether the segment names nothing. */
        public boolean missing() {
            return entry == null;
        }
    }

    /**
     * Walks {@code segments} from the root: each is checked ({@link #checkSegment}) and looked up
     * ({@link #lookup}) in turn, through directories, until one is not a directory, is missing,
     * or is the last.
     *
     * @param subject the request path as the reasons name it
     * @throws PathRefusal for a refused segment or link, an inaccessible file or an impossible name
     * @throws IOException if the file system fails otherwise
     */
    public Stop walk(List<String> segments, String subject) throws PathRefusal, IOException {
        if (segments.isEmpty()) {
            return new Stop(-1, new Entry(root, Files.readAttributes(root, BasicFileAttributes.class)));
        }
        Path dir = root;
        for (int k = 0; ; k++) {
            checkSegment(segments.get(k), wellKnown, subject);
            Entry entry = lookup(dir, segments.get(k), subject);
            if (entry == null || !entry.attributes().isDirectory() || k == segments.size() - 1) {
                return new Stop(k, entry);
            }
            dir = entry.file();
        }
    }

    /**
     * One segment under a real directory of the walk, without checking its name: null when
     * nothing is there (or a link dangles); a link resolved and confined by the policy.
     *
     * @param subject the request path as the reasons name it
     */
    public Entry lookup(Path dir, String name, String subject) throws PathRefusal, IOException {
        Path file = dir.resolve(name);
        BasicFileAttributes attrs = attributes(file, subject);
        if (attrs == null || !attrs.isSymbolicLink()) {
            return attrs == null ? null : new Entry(file, attrs);
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            return null; // dangling
        } catch (AccessDeniedException e) {
            throw new PathRefusal(Status.FORBIDDEN, "link not resolvable: " + subject);
        } catch (FileSystemException e) {
            // a loop, a name too long: the client chose it, so no 500 and no file-system path
            throw new PathRefusal(Status.NOT_FOUND, "link not resolvable (" + e.getReason() + "): " + subject);
        }
        String refusal = symlinks.refusal(file, real, root);
        if (refusal != null) {
            throw new PathRefusal(Status.FORBIDDEN, refusal + ": " + subject);
        }
        attrs = attributes(real, subject);
        return attrs == null ? null : new Entry(real, attrs);
    }

    /** One lstat: the file's own attributes, a link not followed; null when there is no such file. */
    private BasicFileAttributes attributes(Path file, String subject) throws PathRefusal, IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException | NotDirectoryException e) {
            return null;
        } catch (AccessDeniedException e) {
            throw new PathRefusal(Status.FORBIDDEN, "not accessible: " + subject);
        } catch (FileSystemException e) {
            // e.g. a name too long for the file system: nothing can have it
            throw new PathRefusal(Status.NOT_FOUND, "no such " + noun + " (" + e.getReason() + "): " + subject);
        }
    }

    /**
     * Every segment of a path before any is looked up: first any that names nothing (404), then
     * any hidden one (403), {@code .well-known} passing where this walk allows it.
     */
    public void checkAll(List<String> segments, String subject) throws PathRefusal {
        for (String segment : segments) {
            if (illegal(segment)) {
                throw illegalIn(subject);
            }
        }
        for (String segment : segments) {
            checkSegment(segment, wellKnown, subject);
        }
    }

    /**
     * The segments of a PATH_INFO past a script: they name no file here, but PATH_TRANSLATED maps
     * them under the document root and a script may open them, so they are checked as a walked
     * segment is, except that empty ones ({@code /x.sh/} has PATH_INFO {@code /}) and {@code
     * .well-known} pass.
     */
    public static void checkPathInfo(List<String> segments, String subject) throws PathRefusal {
        for (String segment : segments) {
            if (!segment.isEmpty()) {
                checkSegment(segment, true, subject);
            }
        }
    }

    /**
     * One segment: 404 when it names nothing, 403 when it is hidden ({@code .well-known} passing
     * when {@code wellKnown}).
     */
    public static void checkSegment(String segment, boolean wellKnown, String subject) throws PathRefusal {
        if (illegal(segment)) {
            throw illegalIn(subject);
        }
        if (segment.charAt(0) == '.' && !(wellKnown && segment.equals(WELL_KNOWN))) {
            throw new PathRefusal(Status.FORBIDDEN, "hidden path segment in " + subject);
        }
    }

    /** Empty, {@code .}, {@code ..}, or with a backslash or NUL: no file may be named so. */
    private static boolean illegal(String segment) {
        return segment.isEmpty()
                || segment.equals(".")
                || segment.equals("..")
                || segment.indexOf('\\') >= 0
                || segment.indexOf('\0') >= 0;
    }

    private static PathRefusal illegalIn(String subject) {
        return new PathRefusal(Status.NOT_FOUND, "illegal path segment in " + subject);
    }
}

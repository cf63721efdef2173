package dev.gatehouse.servlet.path;

import dev.gatehouse.servlet.InitParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which symbolic links a gateway follows while it looks a request path up under its root
 * ({@code scriptRoot}, {@code documentRoot}): init-params {@code followSymlinks} and {@code
 * linkTargets} of the CGI servlet and the FastCGI proxy, after Apache's {@code Options
 * FollowSymLinks} and {@code SymLinksIfOwnerMatch}.
 *
 * <p>Distributions link parts of an application elsewhere: Debian's DokuWiki has {@code lib/tpl}
 * and {@code lib/plugins} in {@code /usr/share/dokuwiki} pointing to {@code /var/lib/dokuwiki},
 * which Debian's Apache configuration and nginx's default follow. The default here stays
 * {@code insideRoot} (a link must resolve inside the root, so a link planted in an upload
 * directory cannot expose {@code /etc}); {@code linkTargets} names the directories links may also
 * resolve into, which is the narrow way to serve such a layout.
 *
 * <ul>
 *   <li>{@code insideRoot} (default): followed when the target is under the root or a {@code
 *       linkTargets} directory;
 *   <li>{@code ownerMatch}: also followed when the link and its target have the same owner
 *       (Apache's {@code SymLinksIfOwnerMatch});
 *   <li>{@code all}: always followed (Apache's {@code FollowSymLinks});
 *   <li>{@code none}: never followed, wherever they point (Apache without either option).
 * </ul>
 */
public final class SymlinkPolicy {
    /** How links are followed. */
    public enum Mode {
        INSIDE_ROOT("insideRoot"),
        OWNER_MATCH("ownerMatch"),
        ALL("all"),
        NONE("none");

        private final String paramValue;

        Mode(String paramValue) {
            this.paramValue = paramValue;
        }

        /** The init-param's value, e.g. {@code insideRoot}. */
        public String paramValue() {
            return paramValue;
        }

        /** Parses an init-param value; case is ignored. */
        public static Mode parse(String value) {
            for (Mode m : values()) {
                if (m.paramValue.equalsIgnoreCase(value.strip())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("expected insideRoot, ownerMatch, all or none");
        }
    }

    /** The default: links resolve inside the root only. */
    public static final SymlinkPolicy INSIDE_ROOT = new SymlinkPolicy(Mode.INSIDE_ROOT, List.of());

    private final Mode mode;
    private final List<Path> targets;

    private SymlinkPolicy(Mode mode, List<Path> targets) {
        this.mode = mode;
        this.targets = targets;
    }

    /**
     * The policy of a servlet's {@code followSymlinks} (default {@code insideRoot}) and {@code
     * linkTargets} (default none) init-params, the same two for the CGI servlet and the FastCGI
     * proxy.
     */
    public static SymlinkPolicy of(InitParams params) {
        return of(
                params.parse("followSymlinks", "insideRoot", Mode::parse),
                params.parse("linkTargets", "", SymlinkPolicy::targets));
    }

    /**
     * @param targets directories links may resolve into besides the root, as {@link #targets}
     *     gives them
     * @throws IllegalArgumentException for targets with {@code none}, where they mean nothing
     */
    public static SymlinkPolicy of(Mode mode, List<Path> targets) {
        if (mode == Mode.NONE && !targets.isEmpty()) {
            throw new IllegalArgumentException("init-param linkTargets has no effect with followSymlinks=none");
        }
        return new SymlinkPolicy(mode, List.copyOf(targets));
    }

    /**
     * A comma-separated {@code linkTargets} value as the real paths of its directories; blank is
     * none.
     *
     * @throws IllegalArgumentException for a target that is relative, missing or no directory
     */
    public static List<Path> targets(String value) {
        List<Path> real = new ArrayList<>();
        for (String item : value == null ? new String[0] : value.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            Path p = Path.of(item.strip());
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException(item.strip() + " is not an absolute path");
            }
            Path r;
            try {
                r = p.toRealPath();
            } catch (IOException e) {
                throw new IllegalArgumentException(item.strip() + " does not exist");
            }
            if (!Files.isDirectory(r)) {
                throw new IllegalArgumentException(item.strip() + " is not a directory");
            }
            real.add(r);
        }
        return real;
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Why the link at {@code link}, whose target is {@code real} (a real path), is not followed
     * under {@code root} (a real path); null when it is. The reason is for a log line and names
     * no file-system path beyond what the caller adds.
     */
    public String refusal(Path link, Path real, Path root) throws IOException {
        switch (mode) {
            case ALL:
                return null;
            case NONE:
                return "a symbolic link (followSymlinks=none)";
            default:
                break;
        }
        if (real.startsWith(root)) {
            return null;
        }
        for (Path target : targets) {
            if (real.startsWith(target)) {
                return null;
            }
        }
        if (mode == Mode.OWNER_MATCH) {
            if (Files.getOwner(link, LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(real))) {
                return null;
            }
            return "a link whose owner is not its target's (followSymlinks=ownerMatch)";
        }
        return "a link resolving outside the root" + (targets.isEmpty() ? "" : " and linkTargets");
    }

    /** Equal for the same mode and target directories (a typed and a parsed config compare equal). */
    @Override
    public boolean equals(Object other) {
        return other instanceof SymlinkPolicy p && mode == p.mode && targets.equals(p.targets);
    }

    @Override
    public int hashCode() {
        return 31 * mode.hashCode() + targets.hashCode();
    }

    @Override
    public String toString() {
        return mode.paramValue() + (targets.isEmpty() ? "" : " " + targets);
    }
}

package dev.gatehouse.servlet.path;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Paths a gateway servlet refuses before it looks for a script or a file: the {@code deny}
 * init-param of the CGI servlet and the FastCGI proxy, for the directories an application ships
 * but must not serve (DokuWiki's {@code bin/}, {@code data/} and {@code conf/}, a {@code vendor/}
 * tree, {@code *.ini} files), which Apache configurations deny with {@code <LocationMatch>} or
 * {@code Require all denied} and nginx with {@code location ~ … { deny all; }}.
 *
 * <p>Patterns are separated by commas or blanks and matched, by whole segments, against the path
 * the servlet looks up under its root: for the CGI servlet the path within {@code scriptRoot}
 * (the path info, or the servlet path under an extension mapping), for the FastCGI proxy the path
 * within the web application (servlet path and path info), which it maps onto {@code
 * documentRoot}:
 *
 * <ul>
 *   <li>{@code /bin/}: a leading slash anchors the pattern at the application's root; without it
 *       ({@code vendor/}) it matches at any depth.
 *   <li>A path is refused when any of its leading parts matches: {@code /bin/} refuses {@code /bin},
 *       everything below it, and {@code /bin/x.php/more} (a script with path info); a trailing
 *       slash only says the pattern names a directory.
 *   <li>{@code *} matches any run of characters within one segment: {@code *.ini}, {@code
 *       composer.*}. No other character is special.
 *   <li>Matching ignores case, so that {@code /BIN/} is refused too, as on a file system that
 *       ignores case.
 * </ul>
 *
 * <p>The path is the one the container decoded and normalised ({@code %62in}, {@code //bin},
 * {@code /./bin} and {@code ;param}s all arrive as {@code /bin}); encoded slashes and {@code ..}
 * segments are refused by the containers before a servlet runs.
 */
public final class PathDenial {
    /** No pattern: nothing is refused. */
    public static final PathDenial NONE = new PathDenial(List.of());

    private record Pattern(String text, boolean anchored, String[] segments) {}

    private final List<Pattern> patterns;

    private PathDenial(List<Pattern> patterns) {
        this.patterns = patterns;
    }

    /**
     * Parses a {@code deny} value; blank is {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the pattern at fault
     */
    public static PathDenial parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        List<Pattern> patterns = new ArrayList<>();
        for (String text : value.strip().split("[,\\s]+")) {
            if (text.isEmpty()) {
                continue;
            }
            List<String> segments = new ArrayList<>();
            for (String segment : text.split("/")) {
                if (segment.equals(".") || segment.equals("..")) {
                    throw new IllegalArgumentException("pattern " + text + ": no . or .. segments");
                }
                if (!segment.isEmpty()) {
                    segments.add(segment.toLowerCase(Locale.ROOT));
                }
            }
            if (segments.isEmpty()) {
                throw new IllegalArgumentException("pattern " + text + " names no path (it would refuse everything)");
            }
            patterns.add(new Pattern(text, text.startsWith("/"), segments.toArray(String[]::new)));
        }
        return new PathDenial(List.copyOf(patterns));
    }

    /** Whether no pattern is set. */
    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /**
     * The pattern that refuses {@code path} (a decoded path within the web application, such as
     * servlet path + path info), or null when none does.
     */
    public String refusing(String path) {
        if (patterns.isEmpty() || path == null) {
            return null;
        }
        List<String> segments = new ArrayList<>();
        for (String segment : path.toLowerCase(Locale.ROOT).split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        for (Pattern p : patterns) {
            int last = p.anchored() ? 0 : segments.size() - p.segments().length;
            for (int start = 0; start <= last; start++) {
                if (matchesAt(p.segments(), segments, start)) {
                    return p.text();
                }
            }
        }
        return null;
    }

    private static boolean matchesAt(String[] pattern, List<String> segments, int start) {
        if (start + pattern.length > segments.size()) {
            return false;
        }
        for (int i = 0; i < pattern.length; i++) {
            if (!glob(pattern[i], segments.get(start + i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code *} matches any run of characters; everything else itself. */
    static boolean glob(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** Equal when the same patterns are written in the same order (a typed and a parsed config compare equal). */
    @Override
    public boolean equals(Object other) {
        return other instanceof PathDenial d && toString().equals(d.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        List<String> texts = new ArrayList<>();
        patterns.forEach(p -> texts.add(p.text()));
        return String.join(",", texts);
    }
}

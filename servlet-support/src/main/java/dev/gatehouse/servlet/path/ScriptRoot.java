package dev.gatehouse.servlet.path;

import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;

/**
 * Finds a gateway's root on the file system: the CGI servlet's {@code scriptRoot}, the FastCGI
 * proxy's {@code documentRoot}. A path that names a resource of the web
 * application ({@code /WEB-INF/cgi}) is used where the container unpacked it, or else copied out
 * of the archive into the context's temp directory; {@code /} is always the application's root;
 * any other value is an absolute file-system path.
 */
public final class ScriptRoot {

    private ScriptRoot() {}

    public static Path locate(ServletContext context, String root, Path copyTarget) throws IOException {
        // "/" is always the web application's root, never the file system's: some containers
        // (Jetty, for a WAR served packed) answer getResource("/") with null
        if (root.equals("/") || isWebappResource(context, root)) {
            String real = context.getRealPath(root);
            // a packed WAR's "real path" can be a path inside the archive (Jetty answers "/" for
            // "/"), which names a different directory on the file system: trust only file: resources
            if (real != null && Files.isDirectory(Path.of(real)) && isFileResource(context, root)) {
                return Path.of(real);
            }
            copy(context, root.endsWith("/") ? root : root + "/", copyTarget);
            return copyTarget;
        }
        Path path = Path.of(root);
        if (!path.isAbsolute() || !Files.isDirectory(path)) {
            throw new IOException("init-param scriptRoot='" + root
                    + "' is neither a directory of the web application nor an absolute directory path");
        }
        return path;
    }

    /**
     * Whether {@code root} names a directory of the file system rather than of the web
     * application: there permission bits are the operator's, not lost in a WAR.
     */
    public static boolean isFileSystemPath(ServletContext context, String root) {
        return !root.equals("/") && !isWebappResource(context, root);
    }

    /**
     * {@code context.getRealPath(path)} where the resource really is that file-system path, else
     * null: a WAR served packed has no real paths, though some containers answer one.
     */
    public static String realPath(ServletContext context, String path) {
        String real = context.getRealPath(path);
        return real != null && isFileResource(context, path) ? real : null;
    }

    private static boolean isFileResource(ServletContext context, String root) {
        try {
            java.net.URL url = context.getResource(root);
            return url != null && "file".equals(url.getProtocol());
        } catch (MalformedURLException e) {
            return false;
        }
    }

    private static boolean isWebappResource(ServletContext context, String root) {
        try {
            return root.startsWith("/") && context.getResource(root) != null;
        } catch (MalformedURLException e) {
            return false;
        }
    }

    /** Copies a resource directory tree; entries come from the container, not from user input. */
    private static void copy(ServletContext context, String dir, Path target) throws IOException {
        Files.createDirectories(target);
        Set<String> entries = context.getResourcePaths(dir);
        if (entries == null) {
            return;
        }
        for (String entry : entries) {
            String name = entry.substring(dir.length()).replace("/", "");
            if (name.isEmpty() || name.equals("..") || name.equals(".")) {
                continue;
            }
            if (entry.endsWith("/")) {
                copy(context, entry, target.resolve(name));
            } else {
                try (InputStream in = context.getResourceAsStream(entry)) {
                    if (in != null) {
                        Files.copy(in, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }
}

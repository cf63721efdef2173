package dev.gatehouse.it.support;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Test-only window on the request bodies and responses a FastCGI proxy has spooled to disk:
 * {@code GET} answers the names of the {@code gatehouse-fastcgi-body-*} and {@code
 * gatehouse-fastcgi-response-*} files in the context's temp dir ({@link ServletContext#TEMPDIR},
 * as the proxy chooses it), one per line, sorted, empty when there are none; with a {@code bytes}
 * parameter, the sum of their sizes.
 */
public final class SpoolFilesServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The prefix of the proxy's request spool files. */
    public static final String PREFIX = "gatehouse-fastcgi-body-";

    /** The prefix of the proxy's response buffer files. */
    public static final String RESPONSE_PREFIX = "gatehouse-fastcgi-response-";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object attribute = getServletContext().getAttribute(ServletContext.TEMPDIR);
        Path dir = attribute instanceof File f ? f.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
        String answer;
        try (Stream<Path> files = Files.list(dir)) {
            Stream<Path> spooled = files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(PREFIX) || n.startsWith(RESPONSE_PREFIX);
            });
            answer = request.getParameter("bytes") != null
                    ? Long.toString(spooled.mapToLong(SpoolFilesServlet::size).sum())
                    : spooled.map(p -> p.getFileName().toString()).sorted().collect(Collectors.joining("\n"));
        }
        response.setContentType("text/plain");
        response.getWriter().print(answer);
    }

    /** A file's size; 0 for one deleted meanwhile. */
    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}

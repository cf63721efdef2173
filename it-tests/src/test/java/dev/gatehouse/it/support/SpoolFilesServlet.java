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
 * Test-only window on the request bodies a FastCGI proxy has spooled to disk: {@code GET} answers
 * the names of the {@code gatehouse-fastcgi-body-*} files in the context's temp dir
 * ({@link ServletContext#TEMPDIR}, as the proxy chooses it), one per line, sorted; empty when there are none.
 */
public final class SpoolFilesServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The prefix of the proxy's spool files. */
    public static final String PREFIX = "gatehouse-fastcgi-body-";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object attribute = getServletContext().getAttribute(ServletContext.TEMPDIR);
        Path dir = attribute instanceof File f ? f.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
        String names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(PREFIX))
                    .sorted()
                    .collect(Collectors.joining("\n"));
        }
        response.setContentType("text/plain");
        response.getWriter().print(names);
    }
}

package dev.gatehouse.it.support;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Registered as an instance beside the servlets under test: tells the test the web application's
 * temporary directory ({@link ServletContext#TEMPDIR}, else {@code java.io.tmpdir}), where a gateway keeps its temp files, so
 * that the test can check none is left behind. Known once the container has initialised it.
 */
public class TempDirProbe extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient volatile Path tempDir;

    @Override
    public void init() {
        Object dir = getServletContext().getAttribute(ServletContext.TEMPDIR);
        // as the gateways do: the container's directory, else the JVM's
        tempDir = dir instanceof File f ? f.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The context's temporary directory; null before the probe was initialised. */
    public Path tempDir() {
        return tempDir;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println(tempDir);
    }
}

package dev.gatehouse.servlet;

import jakarta.servlet.ServletContext;
import java.io.File;
import java.nio.file.Path;

/** Where a servlet spools bodies: the application's temp dir, as the container gives it. */
public final class ServletTempDir {

    private ServletTempDir() {}

    /**
     * The context's {@link ServletContext#TEMPDIR} (Jetty and Tomcat give each application its
     * own, removed on undeploy), else {@code java.io.tmpdir}.
     */
    public static Path of(ServletContext context) {
        Object attr = context.getAttribute(ServletContext.TEMPDIR);
        return attr instanceof File f ? f.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
    }
}

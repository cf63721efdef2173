package dev.gatehouse.it.support;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A real embedded servlet container listening on 127.0.0.1 on a free port, with one web
 * application: either a WAR deployed unchanged, or servlets registered programmatically.
 */
public interface ServletContainer extends AutoCloseable {

    /**
     * The prefix of an embedded Tomcat's base directory in java.io.tmpdir. Not {@code gatehouse-}:
     * embedded Tomcat may create its base directory again, empty, after it was stopped and the
     * directory removed, so leak checks look for files left inside rather than for the directory.
     */
    String TOMCAT_BASE_PREFIX = "tomcat-base-";

    /** Which container. */
    enum Kind {
        JETTY("org.eclipse.jetty.ee10.servlet.DefaultServlet"),
        TOMCAT("org.apache.catalina.servlets.DefaultServlet");

        private final String defaultServlet;

        Kind(String defaultServlet) {
            this.defaultServlet = defaultServlet;
        }

        /**
         * The container's own default servlet class, for a test context that needs one: the
         * contexts here are plain servlet contexts, which have none unless it is added.
         */
        @SuppressWarnings("unchecked")
        public Class<? extends jakarta.servlet.Servlet> defaultServlet() {
            try {
                return (Class<? extends jakarta.servlet.Servlet>) Class.forName(defaultServlet);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** {@code http://127.0.0.1:PORT/context/} */
    URI base();

    /** An address under {@link #base()}: {@code uri("cgi-bin/env.sh")}. */
    default URI uri(String relative) {
        return base().resolve(relative);
    }

    Kind kind();

    @Override
    void close();

    /**
     * Starts a container of {@code kind} with the WAR at {@code war} under {@code contextPath},
     * unpacked as both containers do by default.
     */
    static ServletContainer war(Kind kind, Path war, String contextPath) {
        return war(kind, war, contextPath, true);
    }

    /**
     * Starts a container with a WAR, unpacked or served from inside the archive (then
     * {@code ServletContext.getRealPath} answers null).
     */
    static ServletContainer war(Kind kind, Path war, String contextPath, boolean unpack) {
        return kind == Kind.JETTY
                ? JettyContainer.war(war, contextPath, unpack)
                : TomcatContainer.war(war, contextPath, unpack);
    }

    /** Starts a container of {@code kind} with {@code servlets} under {@code contextPath}. */
    static ServletContainer servlets(Kind kind, String contextPath, Path docBase, List<ServletSpec> servlets) {
        return kind == Kind.JETTY
                ? JettyContainer.servlets(contextPath, docBase, servlets)
                : TomcatContainer.servlets(contextPath, docBase, servlets);
    }

    /**
     * Starts a container of {@code kind} with {@code servlets} whose default servlet serves files
     * through symbolic links out of {@code docBase} (Tomcat's {@code allowLinking}, Jetty's
     * symlink alias checker).
     */
    static ServletContainer servletsServingLinks(
            Kind kind, String contextPath, Path docBase, List<ServletSpec> servlets) {
        return kind == Kind.JETTY
                ? JettyContainer.servlets(contextPath, docBase, servlets, List.of(), true, true)
                : TomcatContainer.servlets(contextPath, docBase, servlets, List.of(), false, true, true);
    }

    /** Starts a container of {@code kind} with {@code servlets} behind {@code filters}, in that order. */
    static ServletContainer servlets(
            Kind kind, String contextPath, Path docBase, List<ServletSpec> servlets, List<FilterSpec> filters) {
        return kind == Kind.JETTY
                ? JettyContainer.servlets(contextPath, docBase, servlets, filters)
                : TomcatContainer.servlets(contextPath, docBase, servlets, filters, false);
    }

    /**
     * Starts a container of {@code kind} with {@code servlets} and Jakarta WebSocket left off, as
     * in a Jetty installation without the {@code websocket-jakarta} module.
     */
    static ServletContainer servletsWithoutWebSocket(Kind kind, String contextPath, List<ServletSpec> servlets) {
        return kind == Kind.JETTY
                ? JettyContainer.servlets(contextPath, null, servlets, List.of(), false)
                : TomcatContainer.servlets(contextPath, null, servlets, List.of(), false, false);
    }

    /**
     * Starts Tomcat with {@code servlets} in a privileged context: Tomcat's own container
     * servlets, such as {@code org.apache.catalina.servlets.CGIServlet}, refuse to start in any
     * other.
     */
    static ServletContainer privilegedTomcat(String contextPath, Path docBase, List<ServletSpec> servlets) {
        return TomcatContainer.servlets(contextPath, docBase, servlets, true);
    }

    /** The sample WAR built by the reactor (system property {@code sample.war}, set by Failsafe). */
    static Path sampleWar() {
        String path = System.getProperty("sample.war");
        if (path == null) {
            throw new IllegalStateException("system property sample.war is not set: run through mvn verify");
        }
        return Path.of(path);
    }
}

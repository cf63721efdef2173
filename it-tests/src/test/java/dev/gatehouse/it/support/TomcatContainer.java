package dev.gatehouse.it.support;

import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.webresources.StandardRoot;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * Embedded Tomcat 11, with Jakarta WebSocket enabled: a WAR gets it as in a Tomcat installation
 * (Tomcat finds {@code WsSci} on its class path), a programmatic context by adding {@code WsSci}.
 */
final class TomcatContainer implements ServletContainer {

    /** The prefix of system properties passed to the connector (none is set in the tests). */
    static final String CONNECTOR_PROPERTY = "gatehouse.tomcat.connector.";

    /** See {@link ServletContainer#TOMCAT_BASE_PREFIX}. */
    static final String BASE_PREFIX = TOMCAT_BASE_PREFIX;

    private final Tomcat tomcat;
    private final URI base;
    private final Path baseDir;

    private TomcatContainer(Tomcat tomcat, Context context, String contextPath) {
        this.tomcat = tomcat;
        this.baseDir = Path.of(tomcat.getServer().getCatalinaBase().getPath());
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            deleteBaseDir();
            throw new IllegalStateException("Tomcat did not start", e);
        }
        if (context.getState() != LifecycleState.STARTED) {
            close();
            throw new IllegalStateException("Tomcat context " + contextPath + " failed to start");
        }
        base = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + contextPath + "/");
    }

    private static Tomcat newTomcat() {
        Tomcat tomcat = new Tomcat();
        try {
            Path baseDir = Files.createTempDirectory(BASE_PREFIX);
            // the appBase exists, as in a Tomcat installation, so that WARs are unpacked there
            Files.createDirectories(baseDir.resolve("webapps"));
            tomcat.setBaseDir(baseDir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        // Tomcat drops request trailer fields unless named here; the ASGI contract checks one
        connector.setProperty("allowedTrailerHeaders", "x-sum");
        // a benchmark may tune the connector as a server.xml would: -Dgatehouse.tomcat.connector.NAME=VALUE
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith(CONNECTOR_PROPERTY))
                .sorted()
                .forEach(name ->
                        connector.setProperty(name.substring(CONNECTOR_PROPERTY.length()), System.getProperty(name)));
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);
        return tomcat;
    }

    static TomcatContainer war(Path war, String contextPath, boolean unpack) {
        Tomcat tomcat = newTomcat();
        Context context = tomcat.addWebapp(contextPath, war.toAbsolutePath().toString());
        ((StandardContext) context).setUnpackWAR(unpack);
        // the test class path also holds Jetty's WebSocket initializer, which only Jetty can run
        ((StandardContext) context).setContainerSciFilter("org\\.eclipse\\.jetty\\..*");
        return new TomcatContainer(tomcat, context, contextPath);
    }

    static TomcatContainer servlets(String contextPath, Path docBase, List<ServletSpec> servlets) {
        return servlets(contextPath, docBase, servlets, false);
    }

    /**
     * @param privileged whether the context may use Tomcat's internals, as Tomcat's own
     *     container servlets (CGIServlet, ManagerServlet) require
     */
    static TomcatContainer servlets(String contextPath, Path docBase, List<ServletSpec> servlets, boolean privileged) {
        return servlets(contextPath, docBase, servlets, List.of(), privileged);
    }

    static TomcatContainer servlets(
            String contextPath,
            Path docBase,
            List<ServletSpec> servlets,
            List<FilterSpec> filters,
            boolean privileged) {
        return servlets(contextPath, docBase, servlets, filters, privileged, true);
    }

    static TomcatContainer servlets(
            String contextPath,
            Path docBase,
            List<ServletSpec> servlets,
            List<FilterSpec> filters,
            boolean privileged,
            boolean webSocket) {
        return servlets(contextPath, docBase, servlets, filters, privileged, webSocket, false);
    }

    /**
     * @param servesLinks whether the default servlet serves files through symbolic links that
     *     leave the docBase: the context's resources with {@code allowLinking}, as a deployment
     *     serving such a layout needs
     */
    static TomcatContainer servlets(
            String contextPath,
            Path docBase,
            List<ServletSpec> servlets,
            List<FilterSpec> filters,
            boolean privileged,
            boolean webSocket,
            boolean servesLinks) {
        Tomcat tomcat = newTomcat();
        String base;
        try {
            // an empty docBase under the base directory, which close() removes
            base = docBase != null
                    ? docBase.toString()
                    : Files.createDirectories(
                                    Path.of(tomcat.getServer().getCatalinaBase().getPath())
                                            .resolve("docbase"))
                            .toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Context context = tomcat.addContext(contextPath, base);
        context.setPrivileged(privileged);
        if (servesLinks) {
            StandardRoot resources = new StandardRoot(context);
            resources.setAllowLinking(true);
            context.setResources(resources);
        }
        if (webSocket) {
            context.addServletContainerInitializer(new WsSci(), null);
        }
        for (ServletSpec spec : servlets) {
            Wrapper wrapper = spec.instance() != null
                    ? Tomcat.addServlet(context, spec.name(), spec.instance())
                    : Tomcat.addServlet(
                            context, spec.name(), spec.servletClass().getName());
            spec.initParams().forEach(wrapper::addInitParameter);
            wrapper.setAsyncSupported(true);
            wrapper.setLoadOnStartup(1);
            for (String mapping : spec.mappings()) {
                context.addServletMapping(mapping, spec.name());
            }
        }
        for (FilterSpec spec : filters) {
            FilterDef def = new FilterDef();
            def.setFilterName(spec.name());
            def.setFilterClass(spec.filterClass().getName());
            if (spec.instance() != null) {
                def.setFilter(spec.instance());
            }
            def.setAsyncSupported("true");
            spec.initParams().forEach(def::addInitParameter);
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName(spec.name());
            map.addURLPattern(spec.urlPattern());
            map.setDispatcher(DispatcherType.REQUEST.name());
            map.setDispatcher(DispatcherType.ASYNC.name());
            context.addFilterMap(map);
        }
        return new TomcatContainer(tomcat, context, contextPath);
    }

    @Override
    public URI base() {
        return base;
    }

    @Override
    public Kind kind() {
        return Kind.TOMCAT;
    }

    @Override
    public void close() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop", e);
        } finally {
            deleteBaseDir();
        }
    }

    /**
     * Removes the base directory, again while something still writes into it: a file Tomcat's
     * threads or a servlet's clean-up add under its work directory while the tree is walked
     * keeps a parent from going. Bounded; the suite's leak guard names what is left.
     */
    private void deleteBaseDir() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (Files.exists(baseDir) && System.nanoTime() - deadline < 0) {
            try (Stream<Path> tree = Files.walk(baseDir)) {
                tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a file went while we walked: look again
            }
            if (Files.exists(baseDir)) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
        }
    }

    @Override
    public String toString() {
        return "Tomcat 11 at " + base;
    }
}

package dev.gatehouse.it.support;

import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SymlinkAllowedResourceAliasChecker;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Embedded Jetty 12 (ee10), with Jakarta WebSocket enabled in every context (what the {@code
 * websocket-jakarta} module does in a Jetty installation).
 */
final class JettyContainer implements ServletContainer {

    private final Server server;
    private final URI base;

    private JettyContainer(Handler handler, String contextPath) {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not start", e);
        }
        String path = contextPath.isEmpty() ? "/" : contextPath + "/";
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
    }

    static JettyContainer war(Path war, String contextPath, boolean unpack) {
        WebAppContext webapp = new WebAppContext();
        webapp.setExtractWAR(unpack);
        webapp.setContextPath(contextPath.isEmpty() ? "/" : contextPath);
        webapp.setWar(war.toString());
        webapp.setThrowUnavailableOnStartupException(true);
        JakartaWebSocketServletContainerInitializer.configure(webapp, null);
        return new JettyContainer(webapp, contextPath);
    }

    static JettyContainer servlets(String contextPath, Path docBase, List<ServletSpec> servlets) {
        return servlets(contextPath, docBase, servlets, List.of());
    }

    static JettyContainer servlets(
            String contextPath, Path docBase, List<ServletSpec> servlets, List<FilterSpec> filters) {
        return servlets(contextPath, docBase, servlets, filters, true);
    }

    static JettyContainer servlets(
            String contextPath, Path docBase, List<ServletSpec> servlets, List<FilterSpec> filters, boolean webSocket) {
        return servlets(contextPath, docBase, servlets, filters, webSocket, false);
    }

    /**
     * @param servesLinks whether the default servlet serves files through symbolic links that
     *     leave the base resource: Jetty's {@code SymlinkAllowedResourceAliasChecker}, as a
     *     deployment serving such a layout needs
     */
    static JettyContainer servlets(
            String contextPath,
            Path docBase,
            List<ServletSpec> servlets,
            List<FilterSpec> filters,
            boolean webSocket,
            boolean servesLinks) {
        ServletContextHandler context = new ServletContextHandler(contextPath.isEmpty() ? "/" : contextPath);
        if (docBase != null) {
            context.setBaseResource(ResourceFactory.root().newResource(docBase));
        }
        if (servesLinks) {
            context.addAliasCheck(new SymlinkAllowedResourceAliasChecker(context));
        }
        if (webSocket) {
            JakartaWebSocketServletContainerInitializer.configure(context, null);
        }
        for (ServletSpec spec : servlets) {
            ServletHolder holder = spec.instance() != null
                    ? new ServletHolder(spec.name(), spec.instance())
                    : new ServletHolder(spec.name(), spec.servletClass());
            holder.setInitParameters(spec.initParams());
            holder.setAsyncSupported(true);
            holder.setInitOrder(1);
            for (String mapping : spec.mappings()) {
                context.addServlet(holder, mapping);
            }
        }
        for (FilterSpec spec : filters) {
            FilterHolder holder =
                    spec.instance() != null ? new FilterHolder(spec.instance()) : new FilterHolder(spec.filterClass());
            holder.setName(spec.name());
            holder.setInitParameters(spec.initParams());
            holder.setAsyncSupported(true);
            context.addFilter(holder, spec.urlPattern(), EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        }
        return new JettyContainer(context, contextPath);
    }

    @Override
    public URI base() {
        return base;
    }

    @Override
    public Kind kind() {
        return Kind.JETTY;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }

    @Override
    public String toString() {
        return "Jetty 12 at " + base;
    }
}

package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.meta.CgiRequest;
import dev.gatehouse.cgi.meta.ScriptLocation;
import dev.gatehouse.fastcgi.client.Backend;
import dev.gatehouse.fastcgi.client.ClientConfig;
import dev.gatehouse.fastcgi.client.ClientStats;
import dev.gatehouse.fastcgi.client.FastCgiClient;
import dev.gatehouse.fastcgi.managed.BackendStartException;
import dev.gatehouse.fastcgi.managed.ManagedBackend;
import dev.gatehouse.fastcgi.managed.ManagedBackendConfig;
import dev.gatehouse.fastcgi.mapping.ApplicationMapping;
import dev.gatehouse.fastcgi.mapping.Route;
import dev.gatehouse.fastcgi.mapping.ScriptMapping;
import dev.gatehouse.servlet.Abort;
import dev.gatehouse.servlet.InitParams;
import dev.gatehouse.servlet.JreLeaks;
import dev.gatehouse.servlet.SafeLogger;
import dev.gatehouse.servlet.ServletTempDir;
import dev.gatehouse.servlet.TypedInitParams;
import dev.gatehouse.servlet.cgi.CgiRequests;
import dev.gatehouse.servlet.metrics.MetricsRegistry;
import dev.gatehouse.servlet.metrics.RequestTally;
import dev.gatehouse.servlet.path.ScriptRoot;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Proxies requests to a FastCGI application such as php-fpm (FastCGI 1.0, Responder role), the
 * way an nginx {@code location ~ \.php$ { fastcgi_pass …; }} block does, non-blocking from end
 * to end: no thread is held while the application works or while a slow client reads.
 *
 * <p>Configured by init-params ({@link FastCgiConfig}, listed in the README), or in code with
 * {@link #builder()}, which feeds the same parser; asynchronous
 * support must be enabled ({@code <async-supported>true}). Map it to {@code /} (or a prefix
 * such as {@code /app/*}): each request path under the context is mapped by
 * {@link ScriptMapping} against the document root, or with {@code scriptName=mapping} by
 * {@link ApplicationMapping} to the application as a whole (a WSGI application under uWSGI), and
 * then
 * <ul>
 *   <li>{@link Route.NotFound} → 404, {@link Route.Forbidden} → 403, with a log line;
 *   <li>{@link Route.Static} → forwarded to the container's default servlet
 *       ({@code getNamedDispatcher("default")}, present in both Jetty and Tomcat web
 *       applications), which serves it from the web application's resources with its own
 *       caching, ranges and conditional requests: so a static file is never sent to the
 *       application, and {@code documentRoot} should be the web application's root (the
 *       default) or a directory of it for static files to be found;
 *   <li>{@link Route.Script} → a {@link ProxyExchange} over the shared {@link FastCgiClient}.
 * </ul>
 *
 * <p>With {@code managedBackend} the servlet runs the FastCGI application itself (php-fpm,
 * php-cgi or any command, see {@link ManagedBackend}): started before the first request,
 * restarted when it exits, stopped in {@link #destroy()}; {@code backend} is then its private
 * socket and {@code maxConnections} its number of workers.
 *
 * <p>The client's pool statistics are published for monitoring and tests as a
 * {@code Supplier<ClientStats>} in the servlet-context attribute {@link #statsAttribute}.
 */
public class FastCgiProxyServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private static final System.Logger LOG = SafeLogger.of(FastCgiProxyServlet.class.getName());
    private static final Duration UNHEALTHY_FOR = Duration.ofSeconds(10);

    private transient ProxyRuntime runtime;
    /** The file resolution, or null with {@code scriptName=mapping}. */
    private transient ScriptMapping mapping;

    private transient ManagedBackend managed;
    /** The servlet's and its backends' figures on the status page and as MBeans; closed on destroy. */
    private transient MetricsRegistry.Registration metricsRegistration;

    /** The builder's init-param values; empty for the no-arg constructor. */
    private final transient Map<String, String> preset;

    /** For deployment by class name ({@code web.xml}): configured by its init-params. */
    public FastCgiProxyServlet() {
        this(Map.of());
    }

    FastCgiProxyServlet(Map<String, String> preset) {
        this.preset = Map.copyOf(preset);
    }

    /**
     * A typed way to configure the servlet in code, e.g. for {@code ServletContext.addServlet} or
     * Spring's {@code ServletRegistrationBean}. Init-params given on the registration of a built
     * servlet still apply, over the builder's values (as Spring's own servlets apply init-params
     * over properties set in code), so a deployment can override one setting without a rebuild.
     */
    public static FastCgiProxyServletBuilder builder() {
        return new FastCgiProxyServletBuilder();
    }

    /** The servlet-context attribute holding a {@code Supplier<ClientStats>} for a servlet name. */
    public static String statsAttribute(String servletName) {
        return FastCgiProxyServlet.class.getName() + ".stats." + servletName;
    }

    /**
     * The servlet-context attribute holding the {@link ManagedBackend} of a servlet name, while
     * it has one (for monitoring and tests: its pid, directory and restarts).
     */
    public static String backendAttribute(String servletName) {
        return FastCgiProxyServlet.class.getName() + ".backend." + servletName;
    }

    @Override
    public void init() throws ServletException {
        try {
            initProxy();
        } catch (ServletException | RuntimeException e) {
            if (managed != null) {
                managed.close();
                managed = null;
            }
            throw e;
        }
        if (managed != null) {
            try {
                managed.start();
            } catch (BackendStartException e) {
                // also logged here: a container may only mark the servlet unavailable
                LOG.log(Level.ERROR, "{0}: {1}", getServletName(), e.getMessage());
                getServletContext().removeAttribute(statsAttribute(getServletName()));
                runtime.client().close();
                runtime.close();
                managed = null;
                throw new ServletException(getServletName() + ": " + e.getMessage(), e);
            }
            getServletContext().setAttribute(backendAttribute(getServletName()), managed);
        }
        metricsRegistration = ProxyMetrics.register(
                getServletContext(),
                "FastCgiProxyServlet",
                "fastcgi",
                getServletName(),
                runtime.metrics(),
                runtime.client(),
                managed,
                sink -> {});
    }

    private void initProxy() throws ServletException {
        Function<String, String> params =
                TypedInitParams.overlay(preset, this::getInitParameter, getInitParameterNames(), getServletName());
        try {
            ManagedBackendConfig managedConfig = ManagedBackendConfig.parse(params);
            if (managedConfig != null) {
                managed =
                        ManagedBackend.prepare(managedConfig, getServletName()).orElse(null);
                params = managed == null ? params : managedParams(params, managed);
                if (managed == null) {
                    LOG.log(
                            Level.WARNING,
                            "{0}: managedBackend=auto found neither php-fpm nor php-cgi: proxying to backend {1}",
                            getServletName(),
                            new InitParams(params).string("backend", "127.0.0.1:9000"));
                }
            }
        } catch (IllegalArgumentException | IOException e) {
            throw new ServletException(getServletName() + ": " + e.getMessage(), e);
        }
        FastCgiConfig config;
        try {
            config = FastCgiConfig.parse(params);
        } catch (IllegalArgumentException e) {
            throw new ServletException(getServletName() + ": " + e.getMessage(), e);
        }
        ServletContext context = getServletContext();
        Path tempDir = ServletTempDir.of(context);
        if (config.scriptName() == FastCgiConfig.ScriptName.FILE) {
            try {
                Path root = ScriptRoot.locate(
                        context, config.documentRoot(), tempDir.resolve("fastcgi-" + getServletName()));
                mapping = config.scriptMapping(root);
            } catch (IOException e) {
                throw new ServletException(
                        getServletName() + ": init-param documentRoot='" + config.documentRoot() + "': "
                                + e.getMessage(),
                        e);
            }
        }
        List<Backend> backends = config.backends().stream().map(Backend::of).toList();
        // a managed backend's workers are ours to count: GET_VALUES would only delay its first request
        FastCgiClient client = new FastCgiClient(clientConfig(config), backends, managed == null);
        String software = "Gatehouse " + context.getServerInfo();
        runtime = new ProxyRuntime(config, config.policy(software), client, tempDir, getServletName());
        context.setAttribute(statsAttribute(getServletName()), (Supplier<ClientStats>) client::stats);
        if (mapping == null) {
            LOG.log(Level.INFO, "{0}: the whole mapping to {1}", getServletName(), backends);
        } else {
            LOG.log(Level.INFO, "{0}: scripts under {1} to {2}", getServletName(), mapping.documentRoot(), backends);
        }
    }

    /** The init-params with {@code backend} and {@code maxConnections} set to the managed backend's. */
    private static Function<String, String> managedParams(Function<String, String> params, ManagedBackend backend) {
        String address = backend.address().toString();
        String pool = Integer.toString(backend.poolSize());
        return name -> switch (name) {
            case "backend" -> address;
            case "maxConnections" -> pool;
            default -> params.apply(name);
        };
    }

    static ClientConfig clientConfig(FastCgiConfig config) {
        return new ClientConfig(
                config.connectTimeout(),
                config.readTimeout(),
                config.idleTimeout(),
                config.maxConnections(),
                config.maxQueued(),
                config.queueTimeout(),
                config.balancing(),
                UNHEALTHY_FOR);
    }

    @Override
    public void destroy() {
        if (metricsRegistration != null) {
            metricsRegistration.close();
            metricsRegistration = null;
        }
        if (runtime != null) {
            getServletContext().removeAttribute(statsAttribute(getServletName()));
            runtime.client().close();
            runtime.close();
        }
        if (managed != null) {
            getServletContext().removeAttribute(backendAttribute(getServletName()));
            managed.close();
            managed = null;
        }
        JreLeaks.afterDestroy();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        Abort.rethrow(request);
        // answered here (400, 403, 404, a static file) or by the exchange the call starts, counted once either way
        RequestTally.count(runtime.metrics(), request, response, this::serve);
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, RequestTally tally)
            throws ServletException, IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (SafeLogger.hasControl(path)) {
            // a decoded CR/LF would reach PATH_INFO, DOCUMENT_URI and PATH_TRANSLATED
            LOG.log(Level.INFO, "{0}: 400, a control character in the decoded path", request.getRequestURI());
            response.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        String denied = runtime.config().deny().refusing(path);
        if (denied != null) {
            LOG.log(
                    Level.INFO,
                    "{0}: {1}, denied by {2}",
                    request.getRequestURI(),
                    runtime.config().denyStatus(),
                    denied);
            response.sendError(runtime.config().denyStatus());
            return;
        }
        Route route = mapping != null
                ? mapping.map(request.getContextPath(), path)
                : ApplicationMapping.map(
                        request.getContextPath(),
                        request.getHttpServletMapping().getMappingMatch(),
                        request.getServletPath(),
                        request.getPathInfo());
        if (route instanceof Route.NotFound notFound) {
            LOG.log(Level.INFO, "{0}: 404, {1}", request.getRequestURI(), notFound.reason());
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        } else if (route instanceof Route.Forbidden forbidden) {
            LOG.log(Level.INFO, "{0}: 403, {1}", request.getRequestURI(), forbidden.reason());
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
        } else if (route instanceof Route.Static file) {
            serveStatic(request, response, file);
        } else if (route instanceof Route.Script script) {
            proxy(request, script.location(), tally);
        }
    }

    private void serveStatic(HttpServletRequest request, HttpServletResponse response, Route.Static file)
            throws ServletException, IOException {
        RequestDispatcher dispatcher = getServletContext().getNamedDispatcher("default");
        if (dispatcher == null) {
            LOG.log(
                    Level.WARNING,
                    "{0}: 404, static file {1} but no servlet named default to serve it",
                    request.getRequestURI(),
                    file.path());
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        // the default servlet serves servlet path + path info: the file, also for a directory's index
        dispatcher.forward(
                new HttpServletRequestWrapper(request) {
                    @Override
                    public String getServletPath() {
                        return file.path();
                    }

                    @Override
                    public String getPathInfo() {
                        return null;
                    }
                },
                response);
    }

    private void proxy(HttpServletRequest request, ScriptLocation target, RequestTally tally)
            throws ServletException, IOException {
        if (!request.isAsyncSupported()) {
            throw new ServletException(getServletName() + " needs <async-supported>true</async-supported>");
        }
        CgiRequest cgiRequest = CgiRequests.from(request);
        AsyncContext async = request.startAsync();
        // no overall limit: the transport times out a silent application, the container a silent client
        async.setTimeout(0);
        new ProxyExchange(runtime, target, async, tally).send(cgiRequest);
    }
}

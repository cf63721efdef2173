package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.servlet.Abort;
import dev.gatehouse.servlet.JreLeaks;
import dev.gatehouse.servlet.SafeLogger;
import dev.gatehouse.servlet.TypedInitParams;
import dev.gatehouse.servlet.metrics.MetricSet;
import dev.gatehouse.servlet.metrics.MetricsRegistry;
import dev.gatehouse.servlet.metrics.RequestTally;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/**
 * Serves an {@link AsgiApplication} (ASGI 3.0, HTTP spec 2.4 and lifespan 2.0) from a servlet
 * container, with the Servlet 6.0 async and non-blocking I/O APIs: no container thread waits
 * while the application does.
 *
 * <p>Two ways to deploy it, both needing async support ({@code <async-supported>true} or {@code
 * Dynamic.setAsyncSupported(true)}):
 *
 * <ul>
 *   <li>by init-param {@code application}: the class name of an application with a public
 *       no-argument constructor, loaded with the web application's class loader;
 *   <li>programmatically: {@code servletContext.addServlet("app", new AsgiServlet(application))},
 *       or with typed settings, {@code AsgiServlet.builder(application).asyncTimeout(…).build()}.
 * </ul>
 *
 * <p>{@code init} runs the application's lifespan startup and fails deployment with a {@link
 * ServletException} naming the application's message when startup fails; {@code destroy} runs
 * the lifespan shutdown. Every request becomes one {@link HttpExchange}, except a WebSocket
 * handshake ({@code Upgrade: websocket}), which {@link WebSocketUpgrade} serves. The init-params are in
 * {@link AsgiServletConfig} and the package documentation.
 */
public class AsgiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = SafeLogger.of(AsgiServlet.class.getName());

    private transient AsgiApplication application;
    private transient AsgiServletConfig config;
    private transient Lifespan lifespan;
    private final transient AsgiMetrics metrics = new AsgiMetrics();
    /** The servlet's figures on the status page and as an MBean; closed on destroy. */
    private transient MetricsRegistry.Registration metricsRegistration;

    private transient WebSocketUpgrade webSocket;

    /** The builder's init-param values; empty otherwise. */
    private final transient Map<String, String> preset;

    /** For deployment by class name: the init-param {@code application} names the application. */
    public AsgiServlet() {
        this.preset = Map.of();
    }

    /** For programmatic registration ({@code ServletContext.addServlet}). */
    public AsgiServlet(AsgiApplication application) {
        this(application, Map.of());
    }

    AsgiServlet(AsgiApplication application, Map<String, String> preset) {
        if (application == null) {
            throw new IllegalArgumentException("application is null");
        }
        this.application = application;
        this.preset = Map.copyOf(preset);
    }

    /**
     * A typed way to configure a servlet for {@code application} in code, e.g. for {@code
     * ServletContext.addServlet} or Spring's {@code ServletRegistrationBean}. Init-params given
     * on the registration of a built servlet still apply, over the builder's values (as Spring's
     * own servlets apply init-params over properties set in code), so a deployment can override
     * one setting without a rebuild.
     */
    public static AsgiServletBuilder builder(AsgiApplication application) {
        return new AsgiServletBuilder(application);
    }

    @Override
    public void init() throws ServletException {
        try {
            config = AsgiServletConfig.from(
                    TypedInitParams.overlay(preset, this::getInitParameter, getInitParameterNames(), getServletName()),
                    application != null);
        } catch (IllegalArgumentException e) {
            throw new ServletException(getServletName() + ": " + e.getMessage(), e);
        }
        if (application == null) {
            application = instantiate(config.application());
        }
        lifespan = new Lifespan(application, config.lifespanTimeout());
        webSocket = new WebSocketUpgrade(application, config, getServletName(), metrics);
        try {
            lifespan.startup();
            metrics.lifespan = lifespan.supported() ? "started" : "unsupported";
        } catch (Lifespan.StartupFailedException e) {
            throw new ServletException(
                    getServletName() + ": " + application.getClass().getName() + " failed to start: " + e.getMessage(),
                    e.getCause() != null ? e.getCause() : e);
        }
        metricsRegistration = MetricsRegistry.of(getServletContext())
                .register(MetricSet.of(
                        "AsgiServlet", "asgi", getServletContext().getContextPath(), getServletName(), metrics));
        LOG.log(
                Level.INFO,
                "{0}: serving {1}",
                getServletName(),
                application.getClass().getName());
    }

    private AsgiApplication instantiate(String className) throws ServletException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            Class<?> type =
                    Class.forName(className, true, loader != null ? loader : AsgiServlet.class.getClassLoader());
            if (!AsgiApplication.class.isAssignableFrom(type)) {
                throw new ServletException("init-param application='" + className
                        + "' is invalid: the class does not implement " + AsgiApplication.class.getName());
            }
            return (AsgiApplication) type.getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new ServletException("init-param application='" + className + "' is invalid: no such class", e);
        } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
            throw new ServletException(
                    "init-param application='" + className
                            + "' is invalid: expected a public class with a public no-argument constructor",
                    e);
        } catch (InvocationTargetException e) {
            throw new ServletException(
                    "init-param application='" + className + "': the constructor failed: " + e.getCause(),
                    e.getCause());
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        Abort.rethrow(request);
        if (!request.isAsyncSupported()) {
            throw new ServletException(getServletName() + ": async support is off; set"
                    + " <async-supported>true</async-supported> (or Dynamic.setAsyncSupported(true))"
                    + " for this servlet and every filter in front of it");
        }
        if (request.getDispatcherType() == DispatcherType.REQUEST && WebSocketScopes.isUpgrade(request)) {
            // no startAsync: the upgrade must happen within this dispatch (see WebSocketUpgrade)
            webSocket.serve(request, response, lifespan.state());
            return;
        }
        HttpExchange.start(
                request,
                response,
                RequestTally.begin(metrics.requests),
                application,
                HttpScopes.from(request, lifespan.state()),
                config.asyncTimeout().toMillis(),
                config.readBufferSize());
    }

    @Override
    public void destroy() {
        if (metricsRegistration != null) {
            metricsRegistration.close();
            metricsRegistration = null;
        }
        if (lifespan != null) {
            lifespan.shutdown();
            metrics.lifespan = "stopped";
        }
        JreLeaks.afterDestroy();
    }

    /** The configuration read at init (null before). */
    public AsgiServletConfig config() {
        return config;
    }
}

package dev.gatehouse.cgi;

import dev.gatehouse.cgi.mapping.ResolvedScript;
import dev.gatehouse.cgi.mapping.ScriptResolutionException;
import dev.gatehouse.cgi.mapping.ScriptResolver;
import dev.gatehouse.cgi.meta.CgiRequest;
import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.cgi.meta.ScriptLocation;
import dev.gatehouse.servlet.Abort;
import dev.gatehouse.servlet.JreLeaks;
import dev.gatehouse.servlet.SafeLogger;
import dev.gatehouse.servlet.ServletTempDir;
import dev.gatehouse.servlet.SpoolBudget;
import dev.gatehouse.servlet.TypedInitParams;
import dev.gatehouse.servlet.cgi.CgiRequests;
import dev.gatehouse.servlet.metrics.MetricSet;
import dev.gatehouse.servlet.metrics.MetricsRegistry;
import dev.gatehouse.servlet.metrics.RequestTally;
import dev.gatehouse.servlet.path.ScriptRoot;
import dev.gatehouse.servlet.process.ChildProcess;
import dev.gatehouse.servlet.process.StderrPump;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs CGI/1.1 scripts (RFC 3875) under a servlet mapping such as {@code /cgi-bin/*}.
 *
 * <p>Configured by init-params (see {@link CgiConfig} and the README), or in code with {@link
 * #builder()}, which feeds the same parser. For each request it
 * resolves the script under the script root ({@link ScriptResolver}), answers 404/403/405 for
 * requests that must not run anything, then puts the request in async mode and hands it to a
 * {@link CgiExchange} on a gateway thread, once the {@link ScriptGate} admits it (503 with
 * Retry-After when it does not in time). With {@code requestBuffering} (the default) a request
 * body is first read whole, without blocking ({@link BodyBuffer}), and only then does the request
 * ask for a slot; a Content-Length above {@code maxSpoolBytes} is 413 at once. Container threads
 * are never held while a body arrives or a script runs.
 *
 * <p>Asynchronous support must be enabled for the mapping ({@code <async-supported>true}).
 */
public class CgiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The product token in SERVER_SOFTWARE. */
    public static final String PRODUCT = "Gatehouse/" + version();

    /**
     * Threads that kill timed-out scripts at once: a few, since a tree kill is short work that
     * mostly waits on {@code /proc}, and enough that one slow kill never delays the next timeout.
     */
    private static final int KILLERS = 4;

    private transient CgiRuntime runtime;
    private transient ScriptResolver resolver;
    private transient ResolvedScript program;
    private transient String documentRoot;
    /** The servlet's figures on the status page and its MBean; closed on destroy. */
    private transient MetricsRegistry.Registration metricsRegistration;

    /** The builder's init-param values; empty for the no-arg constructor. */
    private final transient Map<String, String> preset;

    /** For deployment by class name ({@code web.xml}): configured by its init-params. */
    public CgiServlet() {
        this(Map.of());
    }

    CgiServlet(Map<String, String> preset) {
        this.preset = Map.copyOf(preset);
    }

    /**
     * A typed way to configure the servlet in code, e.g. for {@code ServletContext.addServlet} or
     * Spring's {@code ServletRegistrationBean}: {@code
     * CgiServlet.builder().scriptRoot(Path.of("/srv/cgi")).timeout(Duration.ofSeconds(30)).build()}.
     * Init-params given on the registration of a built servlet still apply, over the builder's
     * values (as Spring's own servlets apply init-params over properties set in code), so a
     * deployment can override one setting without a rebuild.
     */
    public static CgiServletBuilder builder() {
        return new CgiServletBuilder();
    }

    @Override
    public void init() throws ServletException {
        CgiConfig config;
        try {
            config = CgiConfig.parse(
                    TypedInitParams.overlay(preset, this::getInitParameter, getInitParameterNames(), getServletName()));
        } catch (IllegalArgumentException e) {
            throw new ServletException(getServletName() + ": " + e.getMessage(), e);
        }
        ServletContext context = getServletContext();
        Path tempDir = ServletTempDir.of(context);
        try {
            if (config.program() != null) {
                program = program(config.program());
            } else {
                Path root = ScriptRoot.locate(context, config.scriptRoot(), tempDir.resolve("cgi-" + getServletName()));
                boolean fileSystemRoot = ScriptRoot.isFileSystemPath(context, config.scriptRoot());
                boolean requireExecutable =
                        switch (config.requireExecutable()) {
                            case AUTO -> fileSystemRoot;
                            case TRUE -> true;
                            case FALSE -> false;
                        };
                resolver = new ScriptResolver(root, config.interpreters(), requireExecutable, config.symlinks());
            }
        } catch (IOException e) {
            throw new ServletException(getServletName() + ": " + e.getMessage(), e);
        }
        String docRoot = ScriptRoot.realPath(context, "/");
        documentRoot = docRoot == null || docRoot.length() <= 1 ? docRoot : docRoot.replaceAll("/+$", "");
        MetaVariablePolicy policy = new MetaVariablePolicy(
                PRODUCT + " " + context.getServerInfo(),
                config.passAuthorization(),
                config.passEnv(),
                config.environment());
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, threads("timer"));
        timer.setRemoveOnCancelPolicy(true);
        ExecutorService executor = new ThreadPoolExecutor(
                0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), threads("exec"));
        ExecutorService killer = CgiRuntime.killerPool(KILLERS, threads("kill"));
        ScriptGate gate = new ScriptGate(config.maxConcurrent(), config.maxQueued(), config.queueTimeout(), timer);
        java.util.Set<ChildProcess> running = ConcurrentHashMap.newKeySet();
        CgiMetrics metrics = new CgiMetrics(gate::queued, running::size);
        runtime = new CgiRuntime(
                config,
                policy,
                executor,
                timer,
                killer,
                gate,
                tempDir,
                context,
                running,
                ConcurrentHashMap.newKeySet(),
                new StderrPump("gatehouse-cgi-" + getServletName() + "-stderr"),
                new SpoolBudget(config.spoolMemoryBytes(), config.spoolDiskBytes(), config.maxSpooling()),
                metrics);
        metricsRegistration = MetricsRegistry.of(context)
                .register(MetricSet.of("CgiServlet", "cgi", context.getContextPath(), getServletName(), metrics));
        runtime.log(
                Level.INFO,
                "{0}: serving {1}",
                getServletName(),
                program != null ? "program " + program.file() : "scripts under " + resolver.root());
    }

    @Override
    public void destroy() {
        if (runtime == null) {
            return;
        }
        metricsRegistration.close();
        for (BodyBuffer buffer : runtime.buffering()) {
            buffer.abandon(503, "the servlet is being destroyed");
        }
        for (ChildProcess process : runtime.running()) {
            process.killTree();
        }
        runtime.timer().shutdownNow();
        runtime.killer().shutdownNow();
        runtime.stderr().close();
        runtime.executor().shutdown();
        try {
            if (!runtime.executor().awaitTermination(5, TimeUnit.SECONDS)) {
                runtime.executor().shutdownNow();
            }
        } catch (InterruptedException e) {
            runtime.executor().shutdownNow();
            Thread.currentThread().interrupt();
        }
        JreLeaks.afterDestroy();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        Abort.rethrow(request);
        // answered here (405, 400, 403, 404, 413) or by the exchange the call starts, counted once either way
        RequestTally.count(runtime.metrics().requests, request, response, this::serve);
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, RequestTally tally)
            throws ServletException, IOException {
        String method = request.getMethod();
        if (!runtime.config().allowedMethods().contains(method)) {
            runtime.log(Level.INFO, "{0} {1}: 405, method not allowed", method, request.getRequestURI());
            response.setHeader("Allow", String.join(", ", runtime.config().allowedMethods()));
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        if (SafeLogger.hasControl(request.getServletPath()) || SafeLogger.hasControl(request.getPathInfo())) {
            // a decoded CR/LF would reach SCRIPT_NAME, PATH_INFO and PATH_TRANSLATED
            runtime.log(Level.INFO, "{0}: 400, a control character in the decoded path", request.getRequestURI());
            response.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        // the path looked up under scriptRoot, as resolve() does: patterns are relative to it
        String denied = runtime.config()
                .deny()
                .refusing(request.getPathInfo() != null ? request.getPathInfo() : request.getServletPath());
        if (denied != null) {
            int status = runtime.config().denyStatus();
            runtime.log(Level.INFO, "{0}: {1}, denied by {2}", request.getRequestURI(), status, denied);
            response.sendError(status);
            return;
        }
        ResolvedScript script;
        try {
            script = resolve(request);
        } catch (ScriptResolutionException e) {
            boolean notFound = e.reason() == ScriptResolutionException.Reason.NOT_FOUND;
            runtime.log(Level.INFO, "{0}: {1}, {2}", request.getRequestURI(), notFound ? 404 : 403, e.getMessage());
            response.sendError(notFound ? HttpServletResponse.SC_NOT_FOUND : HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        if (!request.isAsyncSupported()) {
            throw new ServletException(getServletName() + " needs <async-supported>true</async-supported>");
        }
        CgiRequest cgiRequest = CgiRequests.from(request);
        if (runtime.config().requestBuffering()
                && cgiRequest.body().length() > runtime.config().maxSpoolBytes()) {
            // refused before a byte of it is read; the container closes the connection
            runtime.log(
                    Level.INFO,
                    "{0}: 413, Content-Length {1} exceeds maxSpoolBytes {2}",
                    request.getRequestURI(),
                    cgiRequest.body().length(),
                    runtime.config().maxSpoolBytes());
            response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        CgiRequestWrapper redirected = redirectedFrom(request);
        if (redirected != null) {
            // containers keep the original URI and query across an async dispatch
            cgiRequest = cgiRequest.withTarget(redirected.targetUri(), redirected.targetQuery());
        }
        CgiRequestWrapper wrapper = new CgiRequestWrapper(request);
        AsyncContext async = request.startAsync(wrapper, response);
        CgiExchange exchange =
                new CgiExchange(runtime, async, wrapper, cgiRequest, script, location(request, script), tally);
        // a backstop only: the exchange enforces the body's and the script's timeouts itself
        Duration backstop = runtime.config().timeout().plus(runtime.config().queueTimeout());
        if (exchange.buffersBody()) {
            backstop = backstop.plus(runtime.config().timeout());
        }
        async.setTimeout(backstop.toMillis() + 30_000);
        async.addListener(exchange.guard());
        exchange.begin();
    }

    /** The wrapper of the exchange whose local redirect led here, if any. */
    private static CgiRequestWrapper redirectedFrom(ServletRequest request) {
        for (ServletRequest r = request; r instanceof ServletRequestWrapper w; r = w.getRequest()) {
            if (r instanceof CgiRequestWrapper cgi && cgi.redirected()) {
                return cgi;
            }
        }
        return null;
    }

    private ResolvedScript resolve(HttpServletRequest request) throws ScriptResolutionException, IOException {
        String pathInfo = request.getPathInfo();
        if (program != null) {
            return new ResolvedScript(program.file(), "", pathInfo, program.command());
        }
        return resolver.resolve(pathInfo != null ? pathInfo : request.getServletPath());
    }

    private ScriptLocation location(HttpServletRequest request, ResolvedScript script) {
        String base = request.getContextPath() + (request.getPathInfo() != null ? request.getServletPath() : "");
        String pathInfo = script.pathInfo();
        String translated = null;
        if (!pathInfo.isEmpty()) {
            translated = documentRoot != null ? getServletContext().getRealPath(pathInfo) : null;
            if (translated == null && documentRoot != null) {
                translated = new File(documentRoot, pathInfo).getPath();
            }
        }
        return new ScriptLocation(
                base + script.scriptPath(), pathInfo, translated, script.file().toString(), documentRoot);
    }

    private ResolvedScript program(String path) throws IOException {
        Path file = Path.of(path);
        if (!file.isAbsolute() || !Files.isRegularFile(file) || !Files.isExecutable(file)) {
            throw new IOException("init-param program='" + path + "' is not an absolute path of an executable file");
        }
        Path real = file.toRealPath();
        return new ResolvedScript(real, "", "", List.of(real.toString()));
    }

    private ThreadFactory threads(String role) {
        AtomicInteger count = new AtomicInteger();
        String prefix = "gatehouse-cgi-" + getServletName() + "-" + role + "-";
        return r -> {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static String version() {
        String v = CgiServlet.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1";
    }
}

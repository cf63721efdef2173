package dev.gatehouse.cgi;

import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.servlet.SafeLogger;
import dev.gatehouse.servlet.SpoolBudget;
import dev.gatehouse.servlet.process.ChildProcess;
import dev.gatehouse.servlet.process.StderrPump;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What every exchange of one servlet instance shares: configuration, threads, the admission
 * gate, the set of running scripts (killed on undeploy) and of request bodies being buffered
 * (abandoned on undeploy) with the spool budget they share, and the local redirect an exchange
 * cannot do alone.
 *
 * <p>Three kinds of threads: the {@code executor}'s gateway threads (one per running script and
 * one per stdin feeder, unbounded: each blocks on a pipe); the {@code timer}, which only
 * schedules, so that every timeout fires on time however many fall due at once; and the {@code
 * killer}, a small pool of its own on which a timeout's work runs (a tree kill walks {@code /proc}
 * and takes milliseconds under load), several at once, and which no crowd of blocked gateway
 * threads can starve.
 *
 * <p>The {@code metrics} are the servlet's figures, which its exchanges count in.
 */
record CgiRuntime(
        CgiConfig config,
        MetaVariablePolicy policy,
        ExecutorService executor,
        ScheduledExecutorService timer,
        ExecutorService killer,
        ScriptGate gate,
        Path tempDir,
        ServletContext context,
        Set<ChildProcess> running,
        Set<BodyBuffer> buffering,
        StderrPump stderr,
        SpoolBudget budget,
        CgiMetrics metrics) {

    /** Request attribute: how many local redirects this request has followed. */
    static final String REDIRECTS = "dev.gatehouse.cgi.redirects";

    static final int MAX_REDIRECTS = 10;

    private static final Logger LOG = SafeLogger.of(CgiServlet.class.getName());

    /**
     * Runs {@code work} on the killer threads once {@code after} has passed: the timer thread only
     * hands it over, so that no timeout waits for another's kill, and several kills run at once.
     * When the killer is shut down (the servlet is being destroyed) the work runs on the timer.
     */
    ScheduledFuture<?> afterTimeout(Duration after, Runnable work) {
        return timer.schedule(
                () -> {
                    try {
                        killer.execute(work);
                    } catch (RejectedExecutionException e) {
                        work.run();
                    }
                },
                after.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /**
     * The killer pool: {@code threads} threads of its own, so that no crowd of gateway threads
     * blocked on scripts can starve a kill, and idle ones end after 30 s.
     */
    static ThreadPoolExecutor killerPool(int threads, ThreadFactory factory) {
        ThreadPoolExecutor killer =
                new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
        killer.allowCoreThreadTimeOut(true);
        return killer;
    }

    /** Retry-After for a 503: the queue timeout, in whole seconds, at least 1. */
    String retryAfter() {
        return Long.toString(Math.max(1, config.queueTimeout().toSeconds()));
    }

    void log(Level level, String format, Object... args) {
        LOG.log(level, format, args);
    }

    void log(Level level, String message, Throwable t) {
        LOG.log(level, message, t);
    }

    /**
     * RFC 3875 §6.2.2: answers the request with the resource at a local path instead, by an
     * async dispatch inside the container; the request wrapper turns it into a GET.
     */
    void localRedirect(AsyncContext async, HttpServletRequest request, String target, String scriptName)
            throws GatewayFailure {
        Object seen = request.getAttribute(REDIRECTS);
        int count = seen instanceof Integer i ? i : 0;
        if (count >= MAX_REDIRECTS) {
            throw new GatewayFailure(502, "more than " + MAX_REDIRECTS + " local redirects, last to " + target);
        }
        request.setAttribute(REDIRECTS, count + 1);
        String contextPath = context.getContextPath();
        if (contextPath.isEmpty() || target.startsWith(contextPath + "/")) {
            String local = target.substring(contextPath.length());
            refuseUnrequestable(local, target, scriptName);
            async.dispatch(local);
            return;
        }
        ServletContext other = context.getContext(target);
        if (other == null) {
            throw new GatewayFailure(
                    502,
                    scriptName + " redirected to " + target
                            + ", outside this web application and not reachable by cross-context dispatch");
        }
        String local = target.substring(other.getContextPath().length());
        refuseUnrequestable(local, target, scriptName);
        async.dispatch(other, local);
    }

    /**
     * A dispatch reaches what no client may request ({@code WEB-INF}, {@code META-INF}) and
     * takes a path as it is: so a local redirect goes only where the client could have gone by
     * itself — no dot segments, backslash or control character (decoded), no protected directory.
     */
    private static void refuseUnrequestable(String local, String target, String scriptName) throws GatewayFailure {
        int query = local.indexOf('?');
        String path = percentDecoded(query < 0 ? local : local.substring(0, query));
        String[] segments = path == null ? null : path.substring(1).split("/", -1);
        boolean refused = path == null || path.indexOf('\\') >= 0 || SafeLogger.hasControl(path);
        for (int i = 0; !refused && i < segments.length; i++) {
            String s = segments[i];
            refused = s.equals(".")
                    || s.equals("..")
                    || i == 0 && (s.equalsIgnoreCase("WEB-INF") || s.equalsIgnoreCase("META-INF"));
        }
        if (refused) {
            throw new GatewayFailure(
                    502, scriptName + " redirected to " + target + ", which a client could not request");
        }
    }

    /** RFC 3986 percent-decoding of a path, as UTF-8; null when malformed. */
    private static String percentDecoded(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                int hi = i + 2 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(path.charAt(i + 2), 16);
                if (lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}

package dev.gatehouse.cgi;

import dev.gatehouse.cgi.exec.ScriptProcess;
import dev.gatehouse.cgi.exec.StderrPump;
import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.servlet.SafeLogger;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every exchange of one servlet instance shares: configuration, threads, the admission
 * gate, the set of running scripts (killed on undeploy), and the local redirect an exchange
 * cannot do alone.
 */
record CgiRuntime(
        CgiConfig config,
        MetaVariablePolicy policy,
        ExecutorService executor,
        ScheduledExecutorService timer,
        ScriptGate gate,
        Path tempDir,
        ServletContext context,
        Set<ScriptProcess> running,
        StderrPump stderr) {

    /** Request attribute: a failure after the response head was sent; the dispatch rethrows it. */
    static final String ABORT = "dev.gatehouse.cgi.abort";
    /** Request attribute: how many local redirects this request has followed. */
    static final String REDIRECTS = "dev.gatehouse.cgi.redirects";

    static final int MAX_REDIRECTS = 10;

    private static final Logger LOG = SafeLogger.of(CgiServlet.class.getName());

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
            async.dispatch(target.substring(contextPath.length()));
            return;
        }
        ServletContext other = context.getContext(target);
        if (other == null) {
            throw new GatewayFailure(
                    502,
                    scriptName + " redirected to " + target
                            + ", outside this web application and not reachable by cross-context dispatch");
        }
        async.dispatch(other, target.substring(other.getContextPath().length()));
    }
}

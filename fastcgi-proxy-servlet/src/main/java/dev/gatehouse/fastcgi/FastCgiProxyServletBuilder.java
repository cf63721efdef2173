package dev.gatehouse.fastcgi;

import dev.gatehouse.fastcgi.FastCgiConfig.ScriptName;
import dev.gatehouse.fastcgi.client.Balancing;
import dev.gatehouse.fastcgi.managed.ManagedBackendConfig;
import dev.gatehouse.servlet.TypedInitParams;
import dev.gatehouse.servlet.path.SymlinkPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Configures a {@link FastCgiProxyServlet} in code, one typed setter per init-param, for {@code
 * ServletContext.addServlet}, Spring's {@code ServletRegistrationBean} or an embedded Jetty or
 * Tomcat:
 *
 * <pre>{@code
 * FastCgiProxyServlet php = FastCgiProxyServlet.builder()
 *         .documentRoot(Path.of("/srv/www"))
 *         .frontController("/index.php")
 *         .managedBackend(ManagedBackendConfig.Kind.PHP_FPM)
 *         .backendChildren(8)
 *         .build();
 * }</pre>
 *
 * <p>Each setter records the init-param's value as {@code web.xml} would write it ({@link
 * TypedInitParams}), and {@link #build()} validates them with {@link FastCgiConfig#parse} and
 * {@link ManagedBackendConfig#parse}: the same defaults, checks and messages as the init-params,
 * failing at {@code build()} rather than at deployment. A setter given null restores the
 * default. The servlet still needs async support on its registration; init-params given on the
 * registration apply on top of the builder's values (see {@link TypedInitParams#overlay}). A
 * managed backend is started at the servlet's {@code init}, not at {@code build()}.
 */
public final class FastCgiProxyServletBuilder {
    private final TypedInitParams params = new TypedInitParams();

    FastCgiProxyServletBuilder() {}

    /**
     * {@code backend} (default {@code 127.0.0.1:9000}): the FastCGI application, {@code
     * host:port}, {@code [ipv6]:port} or {@code unix:/path}; several are balanced. Generated
     * (and an error to set) with a {@link #managedBackend} other than {@code AUTO}.
     */
    public FastCgiProxyServletBuilder backend(String... addresses) {
        params.list("backend", addresses == null ? null : List.of(addresses), false);
        return this;
    }

    /**
     * {@code documentRoot} (default {@code /}): where scripts and static files live, a directory of
     * the web application (used in place when unpacked, else copied to the context's temp dir)
     * or an absolute directory. Static files are served by the container's default servlet from
     * the web application, so keep them under it.
     */
    public FastCgiProxyServletBuilder documentRoot(String webAppPathOrDirectory) {
        params.string("documentRoot", webAppPathOrDirectory);
        return this;
    }

    /** {@code documentRoot} as an absolute file-system directory; see {@link #documentRoot(String)}. */
    public FastCgiProxyServletBuilder documentRoot(Path directory) {
        params.path("documentRoot", directory);
        return this;
    }

    /**
     * {@code scriptPattern} (default {@code .+\.php}): what the script part of a path must match
     * in full; the script is the shortest such prefix, at a segment boundary, that is a file.
     */
    public FastCgiProxyServletBuilder scriptPattern(String regex) {
        params.string("scriptPattern", regex);
        return this;
    }

    /**
     * {@code scriptPattern} as a compiled pattern; see {@link #scriptPattern(String)}.
     *
     * @throws IllegalArgumentException for a pattern compiled with flags, which the init-param
     *     cannot carry: write them inline, {@code (?i).+\.php}
     */
    public FastCgiProxyServletBuilder scriptPattern(Pattern pattern) {
        if (pattern != null && Pattern.compile(pattern.pattern()).flags() != pattern.flags()) {
            throw new IllegalArgumentException("init-param scriptPattern='" + pattern
                    + "' is invalid: give flags inline, such as (?i), not as Pattern.compile flags");
        }
        return scriptPattern(pattern == null ? null : pattern.pattern());
    }

    /**
     * {@code frontController} (default none): a script such as {@code /index.php} for paths naming
     * no file (nginx's {@code try_files $uri $uri/ /index.php}); without it they are 404.
     */
    public FastCgiProxyServletBuilder frontController(String script) {
        params.string("frontController", script);
        return this;
    }

    /**
     * {@code scriptName} (default {@link ScriptName#FILE}): where SCRIPT_NAME ends and PATH_INFO
     * begins. {@code FILE}: at a script file found under the document root. {@code MAPPING}: at the
     * servlet mapping, with no file looked up, for an application that is not a file (a WSGI
     * application under uWSGI); the file-only settings ({@code documentRoot}, {@code
     * scriptPattern}, {@code frontController}, {@code indexFile}, {@code followSymlinks}, {@code
     * linkTargets}) are then refused.
     */
    public FastCgiProxyServletBuilder scriptName(ScriptName scriptName) {
        params.string("scriptName", scriptName == null ? null : scriptName.paramValue());
        return this;
    }

    /** {@code indexFile} (default {@code index.php}): the file tried for a directory. */
    public FastCgiProxyServletBuilder indexFile(String fileName) {
        params.string("indexFile", fileName);
        return this;
    }

    /**
     * {@code deny} (default none): paths refused before php-fpm or the default servlet sees them,
     * relative to the web application: {@code /bin/}, {@code vendor/}, {@code *.ini}; see {@link
     * dev.gatehouse.servlet.path.PathDenial}.
     */
    public FastCgiProxyServletBuilder deny(List<String> patterns) {
        params.list("deny", patterns, true);
        return this;
    }

    /** {@code denyStatus} (default 404): 404 or 403 for a refused path. */
    public FastCgiProxyServletBuilder denyStatus(int status) {
        params.number("denyStatus", status);
        return this;
    }

    /**
     * {@code followSymlinks} (default {@code insideRoot}): which symbolic links the lookup under
     * {@code documentRoot} follows, for scripts and static files alike; see {@link SymlinkPolicy}.
     */
    public FastCgiProxyServletBuilder followSymlinks(SymlinkPolicy.Mode mode) {
        params.string("followSymlinks", mode == null ? null : mode.paramValue());
        return this;
    }

    /** {@code linkTargets} (default none): absolute directories links may also resolve into. */
    public FastCgiProxyServletBuilder linkTargets(List<Path> directories) {
        params.list("linkTargets", directories, false);
        return this;
    }

    /** {@code passAuthorization} (default false): pass the Authorization header as HTTP_AUTHORIZATION. */
    public FastCgiProxyServletBuilder passAuthorization(boolean pass) {
        params.bool("passAuthorization", pass);
        return this;
    }

    /**
     * {@code params} (default none): extra PARAMS sent with every request ({@code HTTPS=on} behind
     * a TLS proxy, {@code APP_ENV=prod}); they win over a meta-variable of the same name.
     */
    public FastCgiProxyServletBuilder params(Map<String, String> params) {
        this.params.lines("params", params);
        return this;
    }

    /**
     * {@code connectTimeout} (default 5s): the longest wait to connect; then the backend is skipped
     * for 10 s and, if no other is left, 502.
     */
    public FastCgiProxyServletBuilder connectTimeout(Duration timeout) {
        params.duration("connectTimeout", timeout);
        return this;
    }

    /**
     * {@code readTimeout} (default 60s): the longest silence from the application while a response
     * is due; then 504, or an aborted connection after the response head.
     */
    public FastCgiProxyServletBuilder readTimeout(Duration timeout) {
        params.duration("readTimeout", timeout);
        return this;
    }

    /** {@code idleTimeout} (default 60s): how long an unused kept-alive connection stays open. */
    public FastCgiProxyServletBuilder idleTimeout(Duration timeout) {
        params.duration("idleTimeout", timeout);
        return this;
    }

    /**
     * {@code maxConnections} (default 16): connections per backend, in use or kept alive; at most
     * php-fpm's {@code pm.max_children}, so that extra requests wait in this servlet's queue.
     */
    public FastCgiProxyServletBuilder maxConnections(int connections) {
        params.number("maxConnections", connections);
        return this;
    }

    /** {@code maxQueued} (default 256): requests waiting for a connection; beyond it 503. */
    public FastCgiProxyServletBuilder maxQueued(int requests) {
        params.number("maxQueued", requests);
        return this;
    }

    /** {@code queueTimeout} (default 5s): the longest wait for a connection; then 503 with Retry-After. */
    public FastCgiProxyServletBuilder queueTimeout(Duration timeout) {
        params.duration("queueTimeout", timeout);
        return this;
    }

    /** {@code balancing} (default {@code roundRobin}): how a request picks among several backends. */
    public FastCgiProxyServletBuilder balancing(Balancing balancing) {
        params.string("balancing", balancing == null ? null : balancing.paramValue());
        return this;
    }

    /**
     * {@code requestBuffering} (default true): read the whole request body before taking a
     * connection (nginx's {@code fastcgi_request_buffering on}), so that a slow client holds no
     * php-fpm worker; false streams a body of known length as it arrives.
     */
    public FastCgiProxyServletBuilder requestBuffering(boolean buffer) {
        params.bool("requestBuffering", buffer);
        return this;
    }

    /**
     * {@code maxSpoolBytes} (default 64 MiB): the largest request body read before it is sent;
     * beyond it 413. Also the most of an unread body that is drained.
     */
    public FastCgiProxyServletBuilder maxSpoolBytes(long bytes) {
        params.number("maxSpoolBytes", bytes);
        return this;
    }

    /** {@code maxHeaderBytes} (default 65536): the largest CGI header block accepted; beyond it 502. */
    public FastCgiProxyServletBuilder maxHeaderBytes(int bytes) {
        params.number("maxHeaderBytes", bytes);
        return this;
    }

    /**
     * {@code responseBuffering} (default true): absorb what a slow client cannot take yet, so that
     * the worker is released at END_REQUEST (nginx's {@code fastcgi_buffering on}); false for a
     * route that streams, such as server-sent events.
     */
    public FastCgiProxyServletBuilder responseBuffering(boolean buffer) {
        params.bool("responseBuffering", buffer);
        return this;
    }

    /**
     * {@code maxResponseBufferBytes} (default 64 MiB): the most of one response buffered; beyond
     * it backpressure, the response never fails.
     */
    public FastCgiProxyServletBuilder maxResponseBufferBytes(long bytes) {
        params.number("maxResponseBufferBytes", bytes);
        return this;
    }

    /**
     * {@code sendTimeout} (default 60s): with response buffering, the longest a client may take
     * nothing of its response (nginx's {@code send_timeout}); then its connection is aborted.
     */
    public FastCgiProxyServletBuilder sendTimeout(Duration timeout) {
        params.duration("sendTimeout", timeout);
        return this;
    }

    /**
     * {@code clientBodyTimeout} (default 60s): the longest a client may send nothing while its
     * request body is buffered (nginx's {@code client_body_timeout}); then 408.
     */
    public FastCgiProxyServletBuilder clientBodyTimeout(Duration timeout) {
        params.duration("clientBodyTimeout", timeout);
        return this;
    }

    /**
     * {@code spoolMemoryBytes} (default 64 MiB): memory all request spools and response buffers of
     * this servlet may hold together.
     */
    public FastCgiProxyServletBuilder spoolMemoryBytes(long bytes) {
        params.number("spoolMemoryBytes", bytes);
        return this;
    }

    /**
     * {@code spoolDiskBytes} (default 1 GiB): bytes all spool and buffer files of this servlet may
     * hold together; a request body that cannot get its share is 503.
     */
    public FastCgiProxyServletBuilder spoolDiskBytes(long bytes) {
        params.number("spoolDiskBytes", bytes);
        return this;
    }

    /** {@code maxSpooling} (default 256): request bodies being buffered at once; beyond it 503. */
    public FastCgiProxyServletBuilder maxSpooling(int bodies) {
        params.number("maxSpooling", bodies);
        return this;
    }

    /**
     * {@code managedBackend} (default none): the servlet runs the FastCGI application itself
     * (php-fpm, php-cgi or a command) and generates {@code backend}; {@code AUTO} takes php-fpm,
     * else php-cgi, else proxies to {@code backend}. See the README's "Managed backend".
     */
    public FastCgiProxyServletBuilder managedBackend(ManagedBackendConfig.Kind kind) {
        params.string("managedBackend", kind == null ? null : kind.paramValue());
        return this;
    }

    /**
     * {@code backendCommand} (default found on PATH): for php-fpm/php-cgi the program, for {@code
     * COMMAND} the whole command line (required), with {@code {address}} and {@code {children}}
     * replaced.
     */
    public FastCgiProxyServletBuilder backendCommand(String command) {
        params.string("backendCommand", command);
        return this;
    }

    /**
     * {@code backendChildren} (default {@code maxConnections}): the managed server's workers
     * (php-fpm's {@code pm.max_children}); the pool may not exceed it.
     */
    public FastCgiProxyServletBuilder backendChildren(int children) {
        params.number("backendChildren", children);
        return this;
    }

    /**
     * {@code backendMaxRequests} (default 0, never): requests a worker serves before it is
     * replaced ({@code pm.max_requests}).
     */
    public FastCgiProxyServletBuilder backendMaxRequests(int requests) {
        params.number("backendMaxRequests", requests);
        return this;
    }

    /**
     * {@code backendListen} (default {@code UNIX}): a socket in the backend's private directory,
     * or TCP on 127.0.0.1 at a free port.
     */
    public FastCgiProxyServletBuilder backendListen(ManagedBackendConfig.Listen listen) {
        params.string("backendListen", listen == null ? null : listen.name().toLowerCase(Locale.ROOT));
        return this;
    }

    /**
     * {@code backendStartTimeout} (default 10s): the longest wait for the managed backend to
     * accept connections; then the servlet's {@code init} fails.
     */
    public FastCgiProxyServletBuilder backendStartTimeout(Duration timeout) {
        params.duration("backendStartTimeout", timeout);
        return this;
    }

    /**
     * {@code backendStopTimeout} (default 5s): the longest wait after SIGTERM on undeploy before
     * the backend's process tree is killed.
     */
    public FastCgiProxyServletBuilder backendStopTimeout(Duration timeout) {
        params.duration("backendStopTimeout", timeout);
        return this;
    }

    /** {@code backendIni} (default none): PHP settings, each passed as {@code -d NAME=value}. */
    public FastCgiProxyServletBuilder backendIni(Map<String, String> settings) {
        params.lines("backendIni", settings);
        return this;
    }

    /**
     * {@code backendEnv} (default none): variables for the application (php-fpm pool {@code
     * env[NAME]} lines, the process environment otherwise).
     */
    public FastCgiProxyServletBuilder backendEnv(Map<String, String> variables) {
        params.lines("backendEnv", variables);
        return this;
    }

    /** The settings as init-params, as a {@code web.xml} would give them. */
    public Map<String, String> initParameters() {
        return params.values();
    }

    /**
     * The proxy configuration these settings make, parsed as init-params are (with a managed
     * backend, {@code backend} and {@code maxConnections} are set from it at {@code init}).
     *
     * @throws IllegalArgumentException naming the init-param at fault
     */
    public FastCgiConfig config() {
        Map<String, String> values = params.values();
        return FastCgiConfig.parse(values::get);
    }

    /**
     * The managed backend these settings describe, parsed as init-params are; null without one.
     *
     * @throws IllegalArgumentException naming the init-param at fault
     */
    public ManagedBackendConfig managedBackendConfig() {
        Map<String, String> values = params.values();
        return ManagedBackendConfig.parse(values::get);
    }

    /**
     * A servlet with these settings, validated now, in the order {@code init} reads them.
     *
     * @throws IllegalArgumentException naming the init-param at fault, with the message the
     *     init-param would give at deployment
     */
    public FastCgiProxyServlet build() {
        managedBackendConfig();
        config();
        return new FastCgiProxyServlet(params.values());
    }
}

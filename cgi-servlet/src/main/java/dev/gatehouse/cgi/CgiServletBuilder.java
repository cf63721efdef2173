package dev.gatehouse.cgi;

import dev.gatehouse.cgi.CgiConfig.ChunkedBody;
import dev.gatehouse.cgi.CgiConfig.RequireExecutable;
import dev.gatehouse.servlet.TypedInitParams;
import dev.gatehouse.servlet.path.SymlinkPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Configures a {@link CgiServlet} in code, one typed setter per init-param, for {@code
 * ServletContext.addServlet}, Spring's {@code ServletRegistrationBean} or an embedded Jetty or
 * Tomcat:
 *
 * <pre>{@code
 * CgiServlet cgi = CgiServlet.builder()
 *         .scriptRoot(Path.of("/srv/cgi"))
 *         .timeout(Duration.ofSeconds(30))
 *         .build();
 * }</pre>
 *
 * <p>Each setter records the init-param's value as {@code web.xml} would write it ({@link
 * TypedInitParams}), and {@link #build()} validates them with {@link CgiConfig#parse}: the same
 * defaults, checks and messages as the init-params, failing at {@code build()} rather than at
 * deployment. A setter given null restores the default. The servlet still needs async support
 * on its registration ({@code setAsyncSupported(true)}); init-params given on the registration
 * apply on top of the builder's values (see {@link TypedInitParams#overlay}).
 */
public final class CgiServletBuilder {
    private final TypedInitParams params = new TypedInitParams();

    CgiServletBuilder() {}

    /**
     * {@code scriptRoot} (default {@code /WEB-INF/cgi}): where scripts live, a directory of the web
     * application (used in place when the container unpacked the WAR, else copied to the
     * context's temp dir) or an absolute file-system path. The first path segment that names a
     * file under it is the script; the rest is PATH_INFO.
     */
    public CgiServletBuilder scriptRoot(String webAppPathOrDirectory) {
        params.string("scriptRoot", webAppPathOrDirectory);
        return this;
    }

    /** {@code scriptRoot} as an absolute file-system directory; see {@link #scriptRoot(String)}. */
    public CgiServletBuilder scriptRoot(Path directory) {
        params.path("scriptRoot", directory);
        return this;
    }

    /**
     * {@code program} (default none): instead of resolving scripts, one absolute program path
     * that serves every request under the mapping, with the request's path info as PATH_INFO
     * (e.g. {@code /usr/lib/git-core/git-http-backend}).
     */
    public CgiServletBuilder program(Path program) {
        params.path("program", program);
        return this;
    }

    /**
     * {@code interpreters} (default {@code .pl=perl,.py=python3,.sh=sh,.php=php-cgi,.rb=ruby}):
     * the command, with optional blank-separated arguments, per file extension ({@code .pl} →
     * {@code perl -T}). The map replaces the whole default list. Other files run directly when
     * executable, else through their {@code #!} line.
     */
    public CgiServletBuilder interpreters(Map<String, String> commandByExtension) {
        if (commandByExtension == null) {
            params.string("interpreters", null);
            return this;
        }
        params.list(
                "interpreters",
                commandByExtension.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toList(),
                false);
        return this;
    }

    /**
     * {@code passEnv} (default {@code PATH,LANG,LANGUAGE,LC_ALL,LC_CTYPE}): the server's
     * environment variables passed on; nothing else of it is.
     */
    public CgiServletBuilder passEnv(List<String> names) {
        params.list("passEnv", names, false);
        return this;
    }

    /** {@code environment} (default none): extra variables set for every script. */
    public CgiServletBuilder environment(Map<String, String> variables) {
        params.lines("environment", variables);
        return this;
    }

    /** {@code passAuthorization} (default false): pass the Authorization header as HTTP_AUTHORIZATION. */
    public CgiServletBuilder passAuthorization(boolean pass) {
        params.bool("passAuthorization", pass);
        return this;
    }

    /**
     * {@code allowedMethods} (default {@code GET,HEAD,POST}): request methods that may reach a
     * script; other methods get 405 with {@code Allow}.
     */
    public CgiServletBuilder allowedMethods(List<String> methods) {
        params.list("allowedMethods", methods, false);
        return this;
    }

    /**
     * {@code deny} (default none): paths refused before any script is looked for, relative to
     * {@code scriptRoot}: {@code /bin/} (anchored at the root; the directory and all below it),
     * {@code vendor/} (at any depth), {@code *.ini} ({@code *} within one segment); case is
     * ignored. See {@link dev.gatehouse.servlet.path.PathDenial}.
     */
    public CgiServletBuilder deny(List<String> patterns) {
        params.list("deny", patterns, true);
        return this;
    }

    /** {@code denyStatus} (default 404): what a refused path is answered, 404 (as if absent) or 403. */
    public CgiServletBuilder denyStatus(int status) {
        params.number("denyStatus", status);
        return this;
    }

    /**
     * {@code followSymlinks} (default {@code insideRoot}): which symbolic links the lookup under
     * {@code scriptRoot} follows; see {@link SymlinkPolicy}.
     */
    public CgiServletBuilder followSymlinks(SymlinkPolicy.Mode mode) {
        params.string("followSymlinks", mode == null ? null : mode.paramValue());
        return this;
    }

    /**
     * {@code linkTargets} (default none): absolute directories links may also resolve into (e.g.
     * {@code /var/lib/dokuwiki}), the narrow way to serve a distribution's linked layout.
     */
    public CgiServletBuilder linkTargets(List<Path> directories) {
        params.list("linkTargets", directories, false);
        return this;
    }

    /**
     * {@code timeout} (default 60s): the longest run of a script; then its whole process tree is
     * killed, 504 before the response head, an aborted connection after it.
     */
    public CgiServletBuilder timeout(Duration timeout) {
        params.duration("timeout", timeout);
        return this;
    }

    /**
     * {@code writeTimeout} (default 30s): the longest a client may take to accept the next piece
     * of the response (nginx's {@code send_timeout}); then the connection is aborted, the script
     * killed and its slot freed.
     */
    public CgiServletBuilder writeTimeout(Duration timeout) {
        params.duration("writeTimeout", timeout);
        return this;
    }

    /** {@code maxConcurrent} (default 64): scripts running at once. */
    public CgiServletBuilder maxConcurrent(int scripts) {
        params.number("maxConcurrent", scripts);
        return this;
    }

    /** {@code maxQueued} (default 256): requests waiting for a free slot, without holding a thread. */
    public CgiServletBuilder maxQueued(int requests) {
        params.number("maxQueued", requests);
        return this;
    }

    /** {@code queueTimeout} (default 5s): the longest wait for a slot; then 503 with Retry-After. */
    public CgiServletBuilder queueTimeout(Duration timeout) {
        params.duration("queueTimeout", timeout);
        return this;
    }

    /** {@code maxHeaderBytes} (default 65536): the largest CGI header block accepted; beyond it 502. */
    public CgiServletBuilder maxHeaderBytes(int bytes) {
        params.number("maxHeaderBytes", bytes);
        return this;
    }

    /**
     * {@code chunkedBody} (default {@code spool}): a request body without Content-Length is
     * spooled to set CONTENT_LENGTH (php-cgi needs one) or streamed to stdin until EOF (git
     * http-backend).
     */
    public CgiServletBuilder chunkedBody(ChunkedBody handling) {
        params.string("chunkedBody", handling == null ? null : handling.name().toLowerCase(Locale.ROOT));
        return this;
    }

    /**
     * {@code maxSpoolBytes} (default 64 MiB): the largest body held before the script starts;
     * beyond it 413. Also the most of an unread body that is drained.
     */
    public CgiServletBuilder maxSpoolBytes(long bytes) {
        params.number("maxSpoolBytes", bytes);
        return this;
    }

    /**
     * {@code requestBuffering} (default true): read a request body whole before the request
     * takes a script slot, as nginx does in front of fcgiwrap, so that a slow client holds no slot
     * or process; false streams it to the script as it arrives (a large {@code git push}).
     */
    public CgiServletBuilder requestBuffering(boolean buffer) {
        params.bool("requestBuffering", buffer);
        return this;
    }

    /**
     * {@code clientBodyTimeout} (default 60s): the longest a client may send nothing while its body
     * is buffered (nginx's {@code client_body_timeout}); then 408.
     */
    public CgiServletBuilder clientBodyTimeout(Duration timeout) {
        params.duration("clientBodyTimeout", timeout);
        return this;
    }

    /** {@code spoolMemoryBytes} (default 64 MiB): memory all bodies being buffered may hold together. */
    public CgiServletBuilder spoolMemoryBytes(long bytes) {
        params.number("spoolMemoryBytes", bytes);
        return this;
    }

    /**
     * {@code spoolDiskBytes} (default 1 GiB): bytes all their temp files may hold together; a body
     * that cannot get its share is 503.
     */
    public CgiServletBuilder spoolDiskBytes(long bytes) {
        params.number("spoolDiskBytes", bytes);
        return this;
    }

    /** {@code maxSpooling} (default 256): bodies being buffered at once; beyond it 503. */
    public CgiServletBuilder maxSpooling(int bodies) {
        params.number("maxSpooling", bodies);
        return this;
    }

    /**
     * {@code queryArguments} (default false): RFC 3875 §4.4 command-line arguments from a query
     * without {@code =}.
     */
    public CgiServletBuilder queryArguments(boolean arguments) {
        params.bool("queryArguments", arguments);
        return this;
    }

    /** {@code maxStderrLines} (default 200): stderr lines logged per request; the rest is counted. */
    public CgiServletBuilder maxStderrLines(int lines) {
        params.number("maxStderrLines", lines);
        return this;
    }

    /**
     * {@code requireExecutable} (default {@code auto}): whether a script needs its execute bit
     * even when its extension has an interpreter (Apache's {@code Options ExecCGI}); {@code auto}
     * is true under an absolute file-system {@code scriptRoot}, false for one inside the web
     * application.
     */
    public CgiServletBuilder requireExecutable(RequireExecutable require) {
        params.string(
                "requireExecutable", require == null ? null : require.name().toLowerCase(Locale.ROOT));
        return this;
    }

    /**
     * {@code processGroup} (default false): start each script as a process-group leader ({@code
     * setsid}), so that a kill also reaches grandchildren whose parent already exited.
     */
    public CgiServletBuilder processGroup(boolean group) {
        params.bool("processGroup", group);
        return this;
    }

    /** The settings as init-params, as a {@code web.xml} would give them. */
    public Map<String, String> initParameters() {
        return params.values();
    }

    /**
     * The configuration these settings make, parsed as init-params are.
     *
     * @throws IllegalArgumentException naming the init-param at fault
     */
    public CgiConfig config() {
        Map<String, String> values = params.values();
        return CgiConfig.parse(values::get);
    }

    /**
     * A servlet with these settings, validated now.
     *
     * @throws IllegalArgumentException naming the init-param at fault, with the message the
     *     init-param would give at deployment
     */
    public CgiServlet build() {
        config();
        return new CgiServlet(params.values());
    }
}

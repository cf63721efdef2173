package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.meta.CgiHeaderParser;
import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.fastcgi.client.BackendAddress;
import dev.gatehouse.fastcgi.client.Balancing;
import dev.gatehouse.fastcgi.client.ClientConfig;
import dev.gatehouse.fastcgi.mapping.ApplicationMapping;
import dev.gatehouse.fastcgi.mapping.FastCgiParams;
import dev.gatehouse.fastcgi.mapping.ScriptMapping;
import dev.gatehouse.servlet.InitParams;
import dev.gatehouse.servlet.path.PathDenial;
import dev.gatehouse.servlet.path.SymlinkPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The FastCGI proxy's configuration, parsed and validated once from init-params in the style of
 * {@code dev.gatehouse.cgi.CgiConfig}: camelCase names, every parameter with a default, and an
 * invalid value failing deployment with {@link IllegalArgumentException} naming the parameter.
 * The transport settings are plain values here; the client transport interprets them.
 *
 * @param backends the FastCGI applications, in the configured order ({@code backend}: a
 *     comma-separated list of {@code host:port} and {@code unix:/path})
 * @param documentRoot where scripts live, as the application sees them: a path of the web
 *     application such as {@code /} (used where the container unpacked it) or an absolute
 *     file-system directory; the servlet resolves it to a directory at init
 * @param scriptPattern what the script part of a path must match in full; see
 *     {@link ScriptMapping} for the split
 * @param frontController the script that serves paths naming no file, e.g. {@code /index.php},
 *     or null for none (such paths are 404)
 * @param indexFile the file tried in a directory, e.g. {@code index.php}
 * @param passAuthorization whether the Authorization header reaches the application as
 *     HTTP_AUTHORIZATION
 * @param params extra PARAMS sent with every request, after the meta-variables (they win)
 * @param connectTimeout the longest wait to connect to a backend
 * @param readTimeout the longest silence from a backend while a response is due
 * @param idleTimeout how long an unused kept connection stays open
 * @param maxConnections the most connections open to each backend at once
 * @param maxQueued how many requests may wait for a connection
 * @param queueTimeout the longest wait for a connection before 503
 * @param balancing how a request picks its backend when there are several
 * @param requestBuffering whether a request body is read in full (into memory, beyond
 *     {@link BodySpool#MEMORY_BYTES} into a temp file) before a connection is taken, as nginx's
 *     {@code fastcgi_request_buffering on}: a client that sends slowly then holds no php-fpm worker.
 *     Off, a body of known length streams to the application as it arrives (a chunked one is
 *     still spooled)
 * @param maxSpoolBytes the largest request body spooled: with {@code requestBuffering} any body
 *     (a larger Content-Length is refused before it is read), else a chunked one, spooled to learn
 *     its CONTENT_LENGTH (php-fpm reads no body without one); beyond it 413
 * @param maxHeaderBytes the largest CGI header block accepted in STDOUT; beyond it 502
 * @param responseBuffering whether the part of a response the client cannot take now is
 *     absorbed ({@link ResponseBuffer}: memory, then a temp file) so that the application's
 *     connection is released at END_REQUEST, as nginx's {@code fastcgi_buffering on}; off, a slow
 *     client pauses the transport and holds the connection (for a route that streams, e.g. SSE)
 * @param maxResponseBufferBytes the most of one response buffered; beyond it the transport is
 *     paused (backpressure), the response never fails
 * @param sendTimeout with {@code responseBuffering}: the longest a client may take nothing of
 *     its response before its connection is aborted and its buffer deleted (nginx's
 *     {@code send_timeout})
 * @param clientBodyTimeout the longest a client may send nothing while its request body is
 *     spooled; then 408 and the spool is deleted (nginx's {@code client_body_timeout})
 * @param spoolMemoryBytes the memory all this servlet's request spools and response buffers may
 *     hold together
 * @param spoolDiskBytes the bytes all this servlet's spool and buffer files may hold together; a
 *     request body that cannot get its share is 503, a response falls back to backpressure
 * @param maxSpooling the most request bodies spooled at once; beyond it 503. Not tied to
 *     {@code maxConnections} or {@code maxQueued}: a spooling client holds no connection, and
 *     what it holds is bounded by the budget; this bounds their number (sockets, files, timers)
 * @param deny paths refused before the document root is looked at, static files included when the
 *     servlet is mapped at {@code /} (see {@link PathDenial})
 * @param denyStatus what a refused path is answered: 404 (as if absent) or 403
 * @param symlinks which symbolic links the lookup under the root follows (init-params {@code
 *     followSymlinks} and {@code linkTargets}; see {@link SymlinkPolicy})
 * @param scriptName how a request is resolved to SCRIPT_NAME and PATH_INFO: a script file found
 *     under the document root ({@link ScriptName#FILE}, the default), or the servlet mapping
 *     itself, with no file looked up ({@link ScriptName#MAPPING}, for an application that is not
 *     a file, such as a WSGI application under uWSGI)
 */
public record FastCgiConfig(
        List<BackendAddress> backends,
        String documentRoot,
        Pattern scriptPattern,
        String frontController,
        String indexFile,
        boolean passAuthorization,
        Map<String, String> params,
        Duration connectTimeout,
        Duration readTimeout,
        Duration idleTimeout,
        int maxConnections,
        int maxQueued,
        Duration queueTimeout,
        Balancing balancing,
        boolean requestBuffering,
        long maxSpoolBytes,
        int maxHeaderBytes,
        boolean responseBuffering,
        long maxResponseBufferBytes,
        Duration sendTimeout,
        Duration clientBodyTimeout,
        long spoolMemoryBytes,
        long spoolDiskBytes,
        int maxSpooling,
        PathDenial deny,
        int denyStatus,
        SymlinkPolicy symlinks,
        ScriptName scriptName) {

    /** The default of {@code maxConnections}, the pool size per backend. */
    public static final int DEFAULT_MAX_CONNECTIONS = ClientConfig.DEFAULT_MAX_CONNECTIONS;

    /**
     * Where SCRIPT_NAME ends and PATH_INFO begins (RFC 3875 §4.1.13, §4.1.5): the init-param
     * {@code scriptName}.
     */
    public enum ScriptName {
        /**
         * A script file under the document root, found as {@link ScriptMapping} describes (nginx's
         * try-files): for PHP and any application made of script files.
         */
        FILE("file"),
        /**
         * The servlet mapping: the whole mapping is one application, as a WSGI application is to
         * its server (PEP 3333's SCRIPT_NAME is where it is mounted, PATH_INFO the route within
         * it). No file is looked up; see {@link ApplicationMapping}.
         */
        MAPPING("mapping");

        private final String paramValue;

        ScriptName(String paramValue) {
            this.paramValue = paramValue;
        }

        /** The init-param value naming this resolution. */
        public String paramValue() {
            return paramValue;
        }

        static ScriptName parse(String value) {
            for (ScriptName n : values()) {
                if (n.paramValue.equals(value)) {
                    return n;
                }
            }
            throw new IllegalArgumentException("expected file or mapping");
        }
    }

    /** The init-params that only describe a file resolution, refused with {@code scriptName=mapping}. */
    static final List<String> FILE_PARAMS =
            List.of("documentRoot", "scriptPattern", "frontController", "indexFile", "followSymlinks", "linkTargets");

    public FastCgiConfig {
        backends = List.copyOf(backends);
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("no backend");
        }
        Objects.requireNonNull(documentRoot, "documentRoot");
        Objects.requireNonNull(scriptPattern, "scriptPattern");
        Objects.requireNonNull(indexFile, "indexFile");
        params.forEach((name, value) -> Objects.requireNonNull(value, name));
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params)); // sent in the configured order
        Objects.requireNonNull(balancing, "balancing");
        Objects.requireNonNull(scriptName, "scriptName");
    }

    /**
     * Parses init-params; {@code param} returns null for an absent parameter.
     *
     * @throws IllegalArgumentException naming the parameter and what it accepts
     */
    public static FastCgiConfig parse(Function<String, String> param) {
        InitParams p = new InitParams(param);
        ScriptName scriptName = p.parse("scriptName", "file", ScriptName::parse);
        if (scriptName == ScriptName.MAPPING) {
            for (String name : FILE_PARAMS) {
                String value = param.apply(name);
                if (value != null && !value.isBlank()) {
                    // set but unused would mislead: the application is reached whatever the file system holds
                    throw new IllegalArgumentException("init-param " + name + " does not apply with scriptName=mapping,"
                            + " where no file is looked up: remove it, or use scriptName=file");
                }
            }
        }
        return new FastCgiConfig(
                p.parse("backend", "127.0.0.1:9000", BackendAddress::list),
                p.parse("documentRoot", "/", FastCgiConfig::documentRoot),
                p.parse("scriptPattern", ".+\\.php", FastCgiConfig::pattern),
                p.parse("frontController", null, v -> v == null ? null : frontController(v)),
                p.parse("indexFile", "index.php", FastCgiConfig::indexFile),
                p.bool("passAuthorization", false),
                p.parse("params", "", InitParams::lines),
                p.duration("connectTimeout", "5s"),
                p.duration("readTimeout", "60s"),
                p.duration("idleTimeout", "60s"),
                p.atLeast("maxConnections", DEFAULT_MAX_CONNECTIONS, 1),
                p.atLeast("maxQueued", 256, 0),
                p.duration("queueTimeout", "5s"),
                p.parse("balancing", "roundRobin", Balancing::parse),
                p.bool("requestBuffering", true),
                p.atLeast("maxSpoolBytes", 67108864L, 0L),
                p.atLeast("maxHeaderBytes", 65536, CgiHeaderParser.MIN_BYTES),
                p.bool("responseBuffering", true),
                p.atLeast("maxResponseBufferBytes", 67108864L, 0L),
                p.duration("sendTimeout", "60s"),
                p.duration("clientBodyTimeout", "60s"),
                p.atLeast("spoolMemoryBytes", 67108864L, 0L),
                p.atLeast("spoolDiskBytes", 1073741824L, 0L),
                p.atLeast("maxSpooling", 256, 1),
                p.parse("deny", "", PathDenial::parse),
                p.parse("denyStatus", "404", InitParams::denyStatus),
                SymlinkPolicy.of(p),
                scriptName);
    }

    /** The try-files mapping this configuration describes, over its document root on the file system. */
    public ScriptMapping scriptMapping(Path documentRoot) throws IOException {
        return new ScriptMapping(documentRoot, scriptPattern, indexFile, frontController, symlinks);
    }

    /** The meta-variable policy of this configuration ({@link FastCgiParams#policy}). */
    public MetaVariablePolicy policy(String serverSoftware) {
        return FastCgiParams.policy(serverSoftware, passAuthorization, params);
    }

    private static String documentRoot(String value) {
        if (!value.startsWith("/")) {
            throw new IllegalArgumentException(
                    "expected a path of the web application or an absolute directory, starting with /");
        }
        return value;
    }

    private static Pattern pattern(String value) {
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a regular expression: " + e.getDescription());
        }
    }

    /** A path under the document root: {@code /} then plain, non-hidden segments. */
    private static String frontController(String value) {
        if (!value.startsWith("/") || value.endsWith("/")) {
            throw new IllegalArgumentException("expected a file path under the document root such as /index.php");
        }
        for (String segment : value.substring(1).split("/", -1)) {
            plainSegment(segment);
        }
        return value;
    }

    private static String indexFile(String value) {
        if (value.indexOf('/') >= 0) {
            throw new IllegalArgumentException("expected a file name such as index.php, without /");
        }
        plainSegment(value);
        return value;
    }

    private static void plainSegment(String segment) {
        if (segment.isEmpty() || segment.startsWith(".") || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path segments must be non-empty, not start with '.', and hold"
                    + " no backslash or NUL: '" + segment + "'");
        }
    }
}

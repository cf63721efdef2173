package dev.gatehouse.cgi;

import dev.gatehouse.cgi.mapping.Interpreters;
import dev.gatehouse.cgi.meta.CgiHeaderParser;
import dev.gatehouse.servlet.InitParams;
import dev.gatehouse.servlet.path.PathDenial;
import dev.gatehouse.servlet.path.SymlinkPolicy;
import dev.gatehouse.servlet.process.StderrRelay;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The CGI servlet's configuration, parsed and validated once from init-params. Every parameter
 * has a default; an invalid value fails deployment with {@link IllegalArgumentException} naming
 * the parameter. The README lists them all.
 *
 * @param scriptRoot where scripts live: a web-application path such as {@code /WEB-INF/cgi}
 *     (copied out of the WAR when it is not unpacked) or an absolute file-system path
 * @param program an absolute path of one program that serves every request under the mapping
 *     (e.g. {@code git http-backend}), or null to resolve scripts under the root
 * @param interpreters interpreter per file extension
 * @param passEnv names of the server's environment variables passed on
 * @param environment extra variables set for every script
 * @param passAuthorization whether HTTP_AUTHORIZATION is passed
 * @param allowedMethods request methods that may reach a script; others get 405
 * @param timeout the longest a script may run before it is killed (504, or an aborted response)
 * @param writeTimeout the longest the client may take to accept the next piece of the response
 *     (nginx's {@code send_timeout}); then the connection is aborted, the script killed and its
 *     slot freed, so that a client that does not read holds a slot no longer than this
 * @param maxConcurrent how many scripts may run at once
 * @param maxQueued how many requests may wait for a free slot
 * @param queueTimeout how long a request waits for a slot before 503
 * @param maxHeaderBytes the largest CGI header block accepted from a script
 * @param chunkedBody what to do with a request body of unknown length
 * @param maxSpoolBytes the largest request body held before the script starts (and the most of
 *     an unread body drained); a longer body is 413
 * @param requestBuffering whether a request body is read whole (in memory up to 64 KiB, beyond
 *     that in a temporary file) before the request takes a script slot, as nginx does in front
 *     of fcgiwrap: a client that sends slowly then holds no slot and no process. {@code false}
 *     streams the body to the script as it arrives, for scripts that consume a large upload as
 *     they read it (a {@code git http-backend} push); a chunked body is then still spooled after
 *     admission unless {@code chunkedBody=stream}. A buffered body must be whole within {@code
 *     timeout} (else 408), as a streamed one must be before the script is killed
 * @param queryArguments whether an ISINDEX-style query becomes argv (RFC 3875 §4.4)
 * @param maxStderrLines how many stderr lines per request reach the log before the rest is
 *     counted and dropped
 * @param processGroup whether each script leads a process group of its own (through
 *     {@code setsid}), so that a kill also reaches grandchildren whose parent already exited;
 *     off by default since the extra exec costs about 40% of the spawn rate, and the
 *     descendant walk already reaches every process whose parent is alive
 * @param requireExecutable whether a script must have its execute bit even when its extension
 *     names an interpreter (Apache's {@code Options ExecCGI}): {@code auto}, the default, is
 *     {@code true} under an absolute file-system {@code scriptRoot}, where permission bits are
 *     real (an upload directory inside the root never becomes code), and {@code false} for a
 *     root inside the web application, whose files come out of a WAR without their bits
 * @param clientBodyTimeout the longest a client may send nothing while its body is buffered
 *     ({@code requestBuffering}); then 408 and the spool is deleted (nginx's {@code
 *     client_body_timeout}). {@code timeout} still bounds the whole body
 * @param spoolMemoryBytes the memory all request bodies being buffered may hold together
 * @param spoolDiskBytes the bytes all their temp files may hold together; a body that cannot
 *     get its share is 503
 * @param maxSpooling the most request bodies buffered at once; beyond it 503. Not tied to
 *     {@code maxConcurrent} or {@code maxQueued}: a client being buffered holds no slot, and what
 *     it holds is bounded by the budget; this bounds their number (sockets, files, timers)
 * @param deny paths refused before a script is looked for (see {@link PathDenial})
 * @param denyStatus what a refused path is answered: 404 (as if absent) or 403
 * @param symlinks which symbolic links the lookup under the root follows (init-params {@code
 *     followSymlinks} and {@code linkTargets}; see {@link SymlinkPolicy})
 */
public record CgiConfig(
        String scriptRoot,
        String program,
        Interpreters interpreters,
        List<String> passEnv,
        Map<String, String> environment,
        boolean passAuthorization,
        Set<String> allowedMethods,
        Duration timeout,
        Duration writeTimeout,
        int maxConcurrent,
        int maxQueued,
        Duration queueTimeout,
        int maxHeaderBytes,
        ChunkedBody chunkedBody,
        long maxSpoolBytes,
        boolean requestBuffering,
        boolean queryArguments,
        int maxStderrLines,
        boolean processGroup,
        RequireExecutable requireExecutable,
        Duration clientBodyTimeout,
        long spoolMemoryBytes,
        long spoolDiskBytes,
        int maxSpooling,
        PathDenial deny,
        int denyStatus,
        SymlinkPolicy symlinks) {

    /** Whether a script needs its execute bit besides an interpreter for its extension. */
    public enum RequireExecutable {
        /** Under an absolute file-system root yes, under a root of the web application no. */
        AUTO,
        /** Always: a file without the bit is 403. */
        TRUE,
        /** Never: the interpreter for the extension is enough. */
        FALSE
    }

    /** Handling of a request body without Content-Length. */
    public enum ChunkedBody {
        /** Spool it to a temporary file, up to maxSpoolBytes, and set CONTENT_LENGTH. */
        SPOOL,
        /** Stream it to the script's stdin until end of body, without CONTENT_LENGTH. */
        STREAM
    }

    /**
     * Parses init-params; {@code param} returns null for an absent parameter.
     *
     * @throws IllegalArgumentException naming the parameter and what it accepts
     */
    public static CgiConfig parse(Function<String, String> param) {
        InitParams p = new InitParams(param);
        return new CgiConfig(
                p.string("scriptRoot", "/WEB-INF/cgi"),
                p.string("program", null),
                p.parse("interpreters", Interpreters.DEFAULTS, Interpreters::parse),
                InitParams.list(p.string("passEnv", "PATH,LANG,LANGUAGE,LC_ALL,LC_CTYPE")),
                p.parse("environment", "", InitParams::lines),
                p.bool("passAuthorization", false),
                p.parse("allowedMethods", "GET,HEAD,POST", CgiConfig::methods),
                p.duration("timeout", "60s"),
                p.duration("writeTimeout", "30s"),
                p.atLeast("maxConcurrent", 64, 1),
                p.atLeast("maxQueued", 256, 0),
                p.duration("queueTimeout", "5s"),
                p.atLeast("maxHeaderBytes", 65536, CgiHeaderParser.MIN_BYTES),
                p.parse(
                        "chunkedBody",
                        "spool",
                        v -> ChunkedBody.valueOf(v.strip().toUpperCase(Locale.ROOT))),
                p.atLeast("maxSpoolBytes", 67_108_864L, 0L),
                p.bool("requestBuffering", true),
                p.bool("queryArguments", false),
                p.atLeast("maxStderrLines", StderrRelay.MAX_LINES, 0),
                p.bool("processGroup", false),
                p.parse(
                        "requireExecutable",
                        "auto",
                        v -> RequireExecutable.valueOf(v.strip().toUpperCase(Locale.ROOT))),
                p.duration("clientBodyTimeout", "60s"),
                p.atLeast("spoolMemoryBytes", 67_108_864L, 0L),
                p.atLeast("spoolDiskBytes", 1_073_741_824L, 0L),
                p.atLeast("maxSpooling", 256, 1),
                p.parse("deny", "", PathDenial::parse),
                p.parse("denyStatus", "404", InitParams::denyStatus),
                SymlinkPolicy.of(p));
    }

    private static Set<String> methods(String value) {
        Set<String> methods = new LinkedHashSet<>();
        for (String m : InitParams.list(value)) {
            if (!m.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
                throw new IllegalArgumentException("method names are upper-case letters: " + m);
            }
            methods.add(m);
        }
        return Set.copyOf(methods);
    }
}

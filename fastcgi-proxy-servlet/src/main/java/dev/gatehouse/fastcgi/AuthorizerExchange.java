package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.meta.CgiHeaderException;
import dev.gatehouse.cgi.meta.CgiHeaderParser;
import dev.gatehouse.cgi.meta.CgiResponseHead;
import dev.gatehouse.fastcgi.client.BackendExchange;
import dev.gatehouse.fastcgi.client.FastCgiClientException;
import dev.gatehouse.fastcgi.client.ResponseListener;
import dev.gatehouse.fastcgi.protocol.EndRequest;
import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.RequestEnd;
import dev.gatehouse.servlet.SafeLogger;
import dev.gatehouse.servlet.cgi.ResponseHeadWriter;
import dev.gatehouse.servlet.metrics.RequestTally;
import dev.gatehouse.servlet.process.StderrRelay;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * One request put to a FastCGI authorizer (FastCGI 1.0 §6.3), from {@code startAsync} to its
 * single end ({@link RequestEnd}). The answer's CGI header block (RFC 3875 §6) is parsed as it
 * arrives (STDERR goes to the log as the proxy's does, {@link StderrRelay}); then, by its status:
 * <ul>
 *   <li><b>200</b>: the body is discarded; at END_REQUEST each {@code Variable-NAME} field becomes
 *       the request attribute prefix+NAME, the request is marked as authorized and dispatched
 *       back to its own URI ({@link RequestEnd#dispatch()}), where the filter lets it through;
 *   <li><b>anything else</b>: access is denied and the answer goes to the client as the
 *       authorizer sent it: status, every field (Variable-* included), body. The body is held
 *       (up to maxDenialBytes) until END_REQUEST, so that a failure half-way still becomes a
 *       clean 502, and then written in non-blocking mode by {@link DenialWriter}.
 * </ul>
 * Failures map as in the proxy ({@link ProxyExchange#status}): 502, 503 with Retry-After, 504,
 * each with a log line; a malformed header block or a denial body over the limit is 502. The
 * listener methods run on the transport thread and never block.
 */
final class AuthorizerExchange implements ResponseListener {

    private static final System.Logger LOG = SafeLogger.of(FastCgiAuthorizerFilter.class.getName());
    private static final String VARIABLE = "variable-";

    /** Where the answer stands; changed only on the transport thread. */
    private enum State {
        HEAD,
        ALLOWING,
        DENYING,
        DONE
    }

    private final AsyncContext async;
    private final AuthorizerConfig config;
    private final Authorized mark;
    private final String requestUri;
    private final ContainerGuard guard;
    private final RequestEnd end;
    private final AuthorizerMetrics metrics;
    /** The request in the filter's figures: each end below counts it first, once. */
    private final RequestTally tally;

    private final CgiHeaderParser parser;
    private final StderrRelay stderr;
    private final ByteArrayOutputStream denialBody = new ByteArrayOutputStream();
    private State state = State.HEAD;
    private CgiResponseHead head;
    private volatile BackendExchange backendExchange;
    private volatile boolean gone;

    /** What the filter marks an authorized request with; see {@link FastCgiAuthorizerFilter}. */
    interface Authorized {
        void mark(ServletRequest request);
    }

    AuthorizerExchange(
            AsyncContext async,
            AuthorizerConfig config,
            Authorized mark,
            String requestUri,
            AuthorizerMetrics metrics,
            RequestTally tally) {
        this.async = async;
        this.metrics = metrics;
        this.tally = tally;
        this.config = config;
        this.mark = mark;
        this.requestUri = requestUri;
        this.guard =
                new ContainerGuard(ContainerGuard.Owner.onLoss(() -> clientGone("the container ended the request")));
        this.end = new RequestEnd(async, guard);
        this.parser = new CgiHeaderParser(config.maxHeaderBytes(), false);
        this.stderr =
                StderrRelay.perRequest(ProxyExchange.STDERR_LOG, "authorizer for " + requestUri, StderrRelay.MAX_LINES);
        async.addListener(guard);
    }

    /** Records the running backend exchange, to abort it if the client goes away. */
    void started(BackendExchange started) {
        backendExchange = started;
        if (gone) {
            started.abort();
        }
    }

    /** The backend exchange could not be started (params too large, client closed): 502. */
    void notStarted(RuntimeException e) {
        LOG.log(Level.WARNING, "{0}: 502, cannot send the request to the authorizer: {1}", requestUri, e.getMessage());
        tally.end(HttpServletResponse.SC_BAD_GATEWAY);
        end.error(HttpServletResponse.SC_BAD_GATEWAY, null);
    }

    @Override
    public boolean onStdout(BackendExchange source, ByteBuffer content) {
        try {
            if (state == State.HEAD) {
                byte[] bytes = new byte[content.remaining()];
                content.duplicate().get(bytes);
                int used = parser.feed(bytes, 0, bytes.length);
                content.position(content.position() + used);
                if (!parser.isComplete()) {
                    return true;
                }
                decide(parser.finish());
            }
            if (state == State.DENYING) {
                keep(content);
            }
        } catch (CgiHeaderException e) {
            source.abort();
            fail(e.getMessage());
        }
        content.position(content.limit()); // a 200's body is discarded
        return true;
    }

    private void decide(CgiResponseHead parsed) {
        head = parsed;
        state = parsed.kind() == CgiResponseHead.Kind.DOCUMENT && parsed.status() == HttpServletResponse.SC_OK
                ? State.ALLOWING
                : State.DENYING;
    }

    private void keep(ByteBuffer content) throws CgiHeaderException {
        if (denialBody.size() + content.remaining() > config.maxDenialBytes()) {
            throw new CgiHeaderException("the denial body exceeds maxDenialBytes=" + config.maxDenialBytes());
        }
        byte[] bytes = new byte[content.remaining()];
        content.get(bytes);
        denialBody.writeBytes(bytes);
    }

    @Override
    public void onStderr(BackendExchange source, ByteBuffer content) {
        stderr.feed(content);
    }

    @Override
    public void onComplete(BackendExchange source, EndRequest endRequest) {
        stderr.finish();
        if (state == State.DONE) {
            return;
        }
        if (state == State.HEAD) {
            try {
                decide(parser.finish()); // throws: STDOUT ended inside or before the header block
            } catch (CgiHeaderException e) {
                fail(e.getMessage());
                return;
            }
        }
        if (state == State.ALLOWING) {
            state = State.DONE;
            allow();
        } else {
            state = State.DONE;
            deny();
        }
    }

    private void allow() {
        try {
            boolean used = guard.run(() -> {
                ServletRequest request = async.getRequest();
                for (CgiResponseHead.Field field : head.headers()) {
                    String name = field.name();
                    if (name.length() > VARIABLE.length()
                            && name.toLowerCase(Locale.ROOT).startsWith(VARIABLE)) {
                        String attribute = config.attributePrefix() + name.substring(VARIABLE.length());
                        request.setAttribute(attribute, field.value());
                    }
                }
                mark.mark(request);
            });
            if (used) {
                LOG.log(Level.DEBUG, "{0}: authorized", requestUri);
                metrics.granted.increment();
                tally.end(HttpServletResponse.SC_OK);
                end.dispatch();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "{0}: cannot continue an authorized request: {1}", requestUri, e.getMessage());
            tally.end(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            end.complete();
        }
    }

    private void deny() {
        CgiResponseHead applied = head.kind() == CgiResponseHead.Kind.LOCAL_REDIRECT
                ? new CgiResponseHead(CgiResponseHead.Kind.CLIENT_REDIRECT, 302, head.location(), head.headers())
                : head;
        LOG.log(Level.INFO, "{0}: denied by the authorizer, {1}", requestUri, applied.status());
        metrics.denied.increment();
        tally.end(applied.status());
        DenialWriter[] writer = new DenialWriter[1];
        try {
            guard.run(() -> {
                HttpServletResponse response = (HttpServletResponse) async.getResponse();
                ResponseHeadWriter.apply(applied, response);
                writer[0] = new DenialWriter(response.getOutputStream(), denialBody.toByteArray(), end);
                response.getOutputStream().setWriteListener(writer[0]);
            });
            if (writer[0] != null) {
                writer[0].registered();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.INFO, "{0}: cannot send the denial: {1}", requestUri, e.getMessage());
            end.complete();
        }
    }

    @Override
    public void onFailure(BackendExchange source, FastCgiClientException failure) {
        stderr.finish();
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        int status = ProxyExchange.status(failure);
        LOG.log(
                Level.WARNING,
                "{0}: {1}, authorizer: {2} ({3} ms)",
                requestUri,
                status,
                failure.getMessage(),
                tally.elapsedMillis());
        tally.end(status);
        end.error(status, status == HttpServletResponse.SC_SERVICE_UNAVAILABLE ? config.retryAfter() : null);
    }

    private void fail(String why) {
        state = State.DONE;
        LOG.log(
                Level.WARNING,
                "{0}: 502, bad answer from the authorizer: {1} ({2} ms)",
                requestUri,
                why,
                tally.elapsedMillis());
        tally.end(HttpServletResponse.SC_BAD_GATEWAY);
        end.error(HttpServletResponse.SC_BAD_GATEWAY, null);
    }

    /** The client went away: abort the backend exchange and let go. */
    private void clientGone(String why) {
        if (gone) {
            return;
        }
        gone = true;
        LOG.log(Level.INFO, "{0}: client gone ({1}); aborting the authorizer exchange", requestUri, why);
        BackendExchange current = backendExchange;
        if (current != null) {
            current.abort();
        }
        tally.clientAborted();
        end.complete();
    }
}

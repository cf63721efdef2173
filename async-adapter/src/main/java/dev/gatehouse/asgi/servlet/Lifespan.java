package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.AsgiProtocolException;
import dev.gatehouse.asgi.LifespanProtocol;
import dev.gatehouse.asgi.LifespanScope;
import dev.gatehouse.asgi.LifespanShutdown;
import dev.gatehouse.asgi.LifespanShutdownFailed;
import dev.gatehouse.asgi.LifespanStartup;
import dev.gatehouse.asgi.LifespanStartupFailed;
import dev.gatehouse.asgi.ReceiveEvent;
import dev.gatehouse.asgi.SendEvent;
import dev.gatehouse.servlet.SafeLogger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lifespan scope of one servlet instance (ASGI Lifespan spec 2.0): {@code lifespan.startup}
 * from {@code init}, {@code lifespan.shutdown} from {@code destroy}, each answer awaited for at
 * most the configured timeout (the only place the bridge blocks a thread, during deployment).
 *
 * <p>As in the spec, an application that does not support lifespan may fail for the scope: if
 * its stage ends before it ever asked for {@code lifespan.startup}, the servlet logs that and
 * runs without lifespan (the state stays empty). Once it has received {@code lifespan.startup},
 * ending without an answer is a startup failure.
 */
final class Lifespan {
    private static final System.Logger LOG = SafeLogger.of(Lifespan.class.getName());

    /** Startup did not succeed; the message is for the deployment error. */
    static final class StartupFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final AsgiApplication application;
    private final Duration timeout;
    private final LifespanScope scope = new LifespanScope();
    private final LifespanProtocol protocol = new LifespanProtocol();
    private final CompletableFuture<SendEvent> startupAnswer = new CompletableFuture<>();
    private final CompletableFuture<SendEvent> shutdownAnswer = new CompletableFuture<>();
    private final CompletableFuture<ReceiveEvent> shutdown = new CompletableFuture<>();
    /** The application's stage ended: empty when normally, else its failure. */
    private final CompletableFuture<Optional<Throwable>> done = new CompletableFuture<>();

    private int receives;
    private volatile boolean startupDelivered;
    private boolean supported;

    Lifespan(AsgiApplication application, Duration timeout) {
        this.application = application;
        this.timeout = timeout;
    }

    /** The state the application filled at startup; each request scope gets a copy. */
    Map<String, Object> state() {
        return scope.state();
    }

    /** Runs startup; returns when the application answered complete, or does not do lifespan. */
    void startup() throws StartupFailedException {
        CompletionStage<Void> stage;
        try {
            stage = application.handle(scope, this::receive, this::send);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        if (stage == null) {
            stage = CompletableFuture.failedFuture(new NullPointerException("handle returned null"));
        }
        stage.whenComplete((v, t) -> done.complete(
                Optional.ofNullable(t instanceof CompletionException c && c.getCause() != null ? c.getCause() : t)));
        SendEvent answer = await(startupAnswer, "lifespan.startup");
        if (answer == null) {
            Throwable cause = done.join().orElse(null);
            if (startupDelivered) {
                throw new StartupFailedException(
                        "the application ended during lifespan.startup without" + " answering"
                                + (cause != null ? ": " + cause : ""),
                        cause);
            }
            LOG.log(
                    Level.INFO,
                    "{0} does not support lifespan ({1}); running without it",
                    application.getClass().getName(),
                    cause != null ? cause.toString() : "returned");
            return;
        }
        if (answer instanceof LifespanStartupFailed failed) {
            throw new StartupFailedException("lifespan.startup.failed: " + failed.message(), null);
        }
        supported = true;
    }

    /** Whether the application took part in the lifespan protocol (answered startup). */
    boolean supported() {
        return supported;
    }

    /** Runs shutdown if startup completed; failures are logged (destroy cannot fail). */
    void shutdown() {
        if (!supported) {
            return;
        }
        protocol.deliver(new LifespanShutdown());
        shutdown.complete(new LifespanShutdown());
        try {
            SendEvent answer = await(shutdownAnswer, "lifespan.shutdown");
            if (answer instanceof LifespanShutdownFailed failed) {
                LOG.log(Level.ERROR, "lifespan.shutdown.failed: {0}", failed.message());
            } else if (answer == null) {
                LOG.log(Level.ERROR, "the application ended during lifespan.shutdown without answering");
            }
        } catch (StartupFailedException e) {
            LOG.log(Level.ERROR, e.getMessage());
        }
    }

    /** The answer, or null when the application's stage ended first. */
    private SendEvent await(CompletableFuture<SendEvent> answer, String phase) throws StartupFailedException {
        try {
            CompletableFuture.anyOf(answer, done).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StartupFailedException("no answer to " + phase + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupFailedException("interrupted while waiting for " + phase, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return answer.getNow(null);
    }

    private synchronized CompletionStage<ReceiveEvent> receive() {
        receives++;
        if (receives == 1) {
            protocol.deliver(new LifespanStartup());
            startupDelivered = true;
            return CompletableFuture.completedFuture(new LifespanStartup());
        } else if (receives == 2) {
            return shutdown.copy();
        }
        // after lifespan.shutdown nothing more comes; the application is expected to return
        return new CompletableFuture<>();
    }

    private CompletionStage<Void> send(SendEvent event) {
        try {
            protocol.send(event);
        } catch (AsgiProtocolException e) {
            return CompletableFuture.failedFuture(e);
        }
        switch (protocol.state()) {
            case STARTED, STARTUP_FAILED -> startupAnswer.complete(event);
            case STOPPED, SHUTDOWN_FAILED -> shutdownAnswer.complete(event);
            default -> throw new IllegalStateException("unexpected lifespan state " + protocol.state());
        }
        return CompletableFuture.completedFuture(null);
    }
}

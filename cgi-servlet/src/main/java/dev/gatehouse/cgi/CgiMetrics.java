package dev.gatehouse.cgi;

import dev.gatehouse.servlet.metrics.GatewayMetrics;
import dev.gatehouse.servlet.metrics.MetricSink;
import dev.gatehouse.servlet.metrics.MetricSource;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The figures of one CGI servlet: the common request figures ({@link GatewayMetrics}, its queue
 * the {@link ScriptGate}'s) and what only CGI has — scripts running and started, scripts that
 * could not be started, process trees killed at the timeout or because the client went away, and
 * stderr lines logged and dropped over {@code maxStderrLines}.
 */
final class CgiMetrics implements MetricSource {

    final GatewayMetrics requests;
    final LongAdder scriptsStarted = new LongAdder();
    final LongAdder spawnFailures = new LongAdder();
    final LongAdder killedAtTimeout = new LongAdder();
    final LongAdder killedOnDisconnect = new LongAdder();
    final LongAdder stderrLogged = new LongAdder();
    final LongAdder stderrDropped = new LongAdder();
    private final LongSupplier running;

    /**
     * @param queued the requests waiting for a script slot now
     * @param running the scripts running now
     */
    CgiMetrics(LongSupplier queued, LongSupplier running) {
        this.requests = new GatewayMetrics(queued);
        this.running = running;
    }

    @Override
    public void report(MetricSink sink) {
        requests.report(sink);
        sink.gauge("scriptsRunning", "Script processes running now", running.getAsLong());
        sink.counter("scriptsStarted", "Script processes started", scriptsStarted.sum());
        sink.counter("spawnFailures", "Scripts that could not be started (answered 500)", spawnFailures.sum());
        sink.counter("treesKilledAtTimeout", "Process trees killed at the script timeout", killedAtTimeout.sum());
        sink.counter(
                "treesKilledOnDisconnect",
                "Process trees killed because the client went away",
                killedOnDisconnect.sum());
        sink.counter("stderrLinesLogged", "Script stderr lines written to the log", stderrLogged.sum());
        sink.counter("stderrLinesDropped", "Script stderr lines not logged, over maxStderrLines", stderrDropped.sum());
    }
}

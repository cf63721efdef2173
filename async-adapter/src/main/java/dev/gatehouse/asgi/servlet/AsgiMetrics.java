package dev.gatehouse.asgi.servlet;

import dev.gatehouse.servlet.metrics.GatewayMetrics;
import dev.gatehouse.servlet.metrics.MetricSink;
import dev.gatehouse.servlet.metrics.MetricSource;
import java.util.concurrent.atomic.LongAdder;

/**
 * The figures of one ASGI servlet: the common request figures for HTTP exchanges ({@code active}
 * is the exchanges open now), and for WebSocket the sessions open and opened and the messages
 * each way, and the lifespan's state ({@code starting}, {@code started}, {@code unsupported} when
 * the application does not take part, {@code stopped}).
 */
final class AsgiMetrics implements MetricSource {

    final GatewayMetrics requests = new GatewayMetrics();
    final LongAdder webSocketsOpen = new LongAdder();
    final LongAdder webSocketsOpened = new LongAdder();
    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    volatile String lifespan = "starting";

    @Override
    public void report(MetricSink sink) {
        requests.report(sink);
        sink.gauge("webSocketsOpen", "WebSocket sessions open now", webSocketsOpen.sum());
        sink.counter("webSocketsOpened", "WebSocket sessions opened", webSocketsOpened.sum());
        sink.counter("messagesIn", "WebSocket messages received from clients", messagesIn.sum());
        sink.counter("messagesOut", "WebSocket messages sent to clients", messagesOut.sum());
        sink.state("lifespan", "The application's lifespan state", lifespan);
    }
}

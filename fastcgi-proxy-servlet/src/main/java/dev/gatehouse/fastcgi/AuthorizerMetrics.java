package dev.gatehouse.fastcgi;

import dev.gatehouse.servlet.metrics.GatewayMetrics;
import dev.gatehouse.servlet.metrics.MetricSink;
import dev.gatehouse.servlet.metrics.MetricSource;
import java.util.concurrent.atomic.LongAdder;

/**
 * The figures of one authorizer filter beyond the common ones: how many requests the authorizer
 * let through and how many it denied (FastCGI 1.0 §6.3). A granted request counts as a 200 in
 * the common figures, a denied one with the status of its denial.
 */
final class AuthorizerMetrics implements MetricSource {

    final GatewayMetrics requests;
    final LongAdder granted = new LongAdder();
    final LongAdder denied = new LongAdder();

    AuthorizerMetrics(GatewayMetrics requests) {
        this.requests = requests;
    }

    @Override
    public void report(MetricSink sink) {
        sink.counter("granted", "Requests the authorizer let through", granted.sum());
        sink.counter("denied", "Requests the authorizer denied (its answer sent to the client)", denied.sum());
    }
}

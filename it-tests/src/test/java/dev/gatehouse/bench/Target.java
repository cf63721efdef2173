package dev.gatehouse.bench;

import java.net.URI;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One thing measured: a gateway serving one script over HTTP, or the raw fork/exec loop.
 *
 * @param url the script's address, or null for the raw loop
 */
record Target(Kind kind, String label, BenchScript script, URI url, Measure measure) {

    /** The gateways compared, in the report's order. */
    enum Kind {
        OURS_JETTY(true),
        OURS_TOMCAT(true),
        TOMCAT_CGI(false),
        NGINX_FCGIWRAP(false),
        RAW(false),
        RAW_PARALLEL(false);

        private final boolean ours;

        Kind(boolean ours) {
            this.ours = ours;
        }

        boolean ours() {
            return ours;
        }
    }

    /** Runs one round; {@code duration} is wrk's, the raw loop runs a fixed count instead. */
    @FunctionalInterface
    interface Measure {
        Sample run(Duration duration) throws Exception;
    }

    /**
     * A gateway loaded by wrk at {@code url}; {@code gatewayCpu} tells the CPU time its processes
     * have used so far, so that each sample also says how much of it one request costs.
     */
    static Target http(Kind kind, String label, BenchScript script, URI url, Wrk wrk, LongSupplier gatewayCpu) {
        return new Target(kind, label, script, url, d -> {
            long before = gatewayCpu.getAsLong();
            Sample sample = wrk.run(url, d);
            return sample.withGatewayCpu(gatewayCpu.getAsLong() - before);
        });
    }
}

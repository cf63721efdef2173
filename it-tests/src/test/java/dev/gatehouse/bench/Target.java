package dev.gatehouse.bench;

import java.net.URI;
import java.time.Duration;

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

    static Target http(Kind kind, String label, BenchScript script, URI url, Wrk wrk) {
        return new Target(kind, label, script, url, d -> wrk.run(url, d));
    }
}

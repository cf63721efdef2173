package dev.gatehouse.fastcgi.client;

import dev.gatehouse.fastcgi.protocol.GetValues;
import dev.gatehouse.fastcgi.protocol.GetValuesResult;
import dev.gatehouse.fastcgi.protocol.RecordWriter;
import dev.gatehouse.fastcgi.protocol.ServerRecord;
import dev.gatehouse.fastcgi.protocol.UnknownType;
import dev.gatehouse.servlet.SafeLogger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The GET_VALUES probe (FastCGI 1.0 §4.1): before a backend's first request, one connection of
 * its own asks for {@code FCGI_MAX_CONNS}, {@code FCGI_MAX_REQS} and {@code FCGI_MPXS_CONNS},
 * and is closed after the answer. A backend that does not know the record type answers
 * UNKNOWN_TYPE (no values); one that never answers (libfcgi programs) is waited for at most
 * {@link #TIMEOUT_NANOS}, since the first request waits for the probe. Either way the
 * configured connection limit stays. What the {@link Connection} does in its PROBING state.
 */
final class ValuesProbe {

    private static final System.Logger LOG = SafeLogger.of(ValuesProbe.class.getName());

    /** How long GET_VALUES may take before the configured connection limit is kept as is. */
    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private ValuesProbe() {}

    /** The GET_VALUES record to send. */
    static ByteBuffer request() {
        return new RecordWriter().getValues(GetValues.standard());
    }

    /**
     * The values {@code record} answers: its pairs for GET_VALUES_RESULT, none for UNKNOWN_TYPE,
     * or null when it is no answer (it is ignored and the probe waits on).
     */
    static Map<String, String> answer(ServerRecord record) {
        if (record instanceof GetValuesResult result) {
            return result.values();
        }
        if (record instanceof UnknownType) {
            return Map.of();
        }
        return null;
    }

    /** How long a probe may wait: a live backend answers at once. */
    static long timeout(ClientTimeouts timeouts) {
        return Math.min(timeouts.read(), TIMEOUT_NANOS);
    }

    /** The probe failed or timed out: said once, at INFO, since the limit then rests on the configuration. */
    static void unanswered(Backend backend, String why) {
        LOG.log(
                Level.INFO,
                () -> "backend " + backend + " did not answer GET_VALUES (" + why
                        + "); its configured connection limit stays");
    }
}

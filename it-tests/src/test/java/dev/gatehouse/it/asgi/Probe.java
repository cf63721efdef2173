package dev.gatehouse.it.asgi;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a test and the application it calls share in this JVM, by a token the test puts in the
 * query string: gates the test opens, values the application records, and byte counters.
 */
public final class Probe {
    private static final Map<String, CompletableFuture<Void>> GATES = new ConcurrentHashMap<>();
    private static final Map<String, CompletableFuture<String>> RECORDS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> COUNTERS = new ConcurrentHashMap<>();

    private Probe() {}

    /** The gate {@code name}, opened by {@link #open}; the application waits on it. */
    public static CompletableFuture<Void> gate(String name) {
        return GATES.computeIfAbsent(name, n -> new CompletableFuture<>());
    }

    public static void open(String name) {
        gate(name).complete(null);
    }

    /** The application records {@code value} under {@code name} (first value wins). */
    public static void record(String name, String value) {
        RECORDS.computeIfAbsent(name, n -> new CompletableFuture<>()).complete(value);
    }

    /** Waits, bounded, for the value recorded under {@code name}. */
    public static String awaitRecord(String name, Duration timeout) throws Exception {
        return RECORDS.computeIfAbsent(name, n -> new CompletableFuture<>())
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static AtomicLong counter(String name) {
        return COUNTERS.computeIfAbsent(name, n -> new AtomicLong());
    }

    /** The token of a request: the query string {@code t=TOKEN}, or "" when absent. */
    static String token(byte[] queryString) {
        String query = new String(queryString, StandardCharsets.ISO_8859_1);
        return query.startsWith("t=") ? query.substring(2) : "";
    }
}

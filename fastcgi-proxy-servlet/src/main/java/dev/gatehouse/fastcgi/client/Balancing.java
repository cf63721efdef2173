package dev.gatehouse.fastcgi.client;

/**
 * How {@link FastCgiClient} chooses among the healthy backends that can take a request now. The
 * one strategy type for the client and the servlet and filter that configure it: their
 * init-param {@code balancing} names a strategy by its {@link #paramValue()}, their typed
 * builders take it as it is. It lives here, with the code that implements it, because the client
 * does not depend on the servlet side.
 */
public enum Balancing {
    /** Each request goes to the next backend in turn, skipping those without a free slot. */
    ROUND_ROBIN("roundRobin"),
    /** The backend with the fewest connections in use; ties go round-robin. */
    LEAST_BUSY("leastBusy");

    private final String paramValue;

    Balancing(String paramValue) {
        this.paramValue = paramValue;
    }

    /** The init-param value naming this strategy. */
    public String paramValue() {
        return paramValue;
    }

    /**
     * The strategy an init-param value names, ignoring case.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static Balancing parse(String value) {
        for (Balancing b : values()) {
            if (b.paramValue.equalsIgnoreCase(value)) {
                return b;
            }
        }
        throw new IllegalArgumentException("expected roundRobin or leastBusy");
    }
}

package dev.gatehouse.sample.asgi;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads one parameter from an ASGI {@code query_string} ({@code application/x-www-form-urlencoded}). */
final class Query {

    private Query() {}

    /**
     * The decoded value of the first {@code name} parameter: {@code ""} for a bare {@code name}
     * (as in {@code ?stream}), null when absent or not decodable.
     */
    static String param(byte[] queryString, String name) {
        String query = new String(queryString, StandardCharsets.ISO_8859_1);
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                try {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return null; // a malformed %-escape: treated as absent
                }
            }
        }
        return null;
    }

    /** {@code name} as an int in {@code [min, max]}, or {@code def} when absent; else null. */
    static Integer intParam(byte[] queryString, String name, int def, int min, int max) {
        String value = param(queryString, name);
        if (value == null || value.isEmpty()) {
            return def;
        }
        try {
            int n = Integer.parseInt(value);
            return n >= min && n <= max ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

package dev.gatehouse.asgi;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The ASGI {@code client} and {@code server} scope values: {@code [host, port]}, or for a server
 * listening on a unix socket {@code [path, None]} (ASGI HTTP spec 2.2+), which is an empty {@code
 * port}.
 */
public record Endpoint(String host, OptionalInt port) {

    public Endpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(port, "port");
        if (port.isPresent() && (port.getAsInt() < 0 || port.getAsInt() > 65535)) {
            throw new IllegalArgumentException("port " + port.getAsInt() + " is not in 0-65535");
        }
    }

    /** {@code [host, port]}. */
    public static Endpoint of(String host, int port) {
        return new Endpoint(host, OptionalInt.of(port));
    }

    /** {@code [path, None]}: a server listening on a unix domain socket. */
    public static Endpoint unixSocket(String path) {
        return new Endpoint(path, OptionalInt.empty());
    }
}

package dev.gatehouse.fastcgi.client;

import dev.gatehouse.servlet.InitParams;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a FastCGI application listens: a TCP {@code host:port} or a Unix domain socket
 * {@code unix:/path} — the two forms php-fpm's {@code listen} directive takes. A plain value;
 * names are resolved only when {@link #socketAddress()} is called.
 */
public sealed interface BackendAddress {

    /** The address to connect to; a TCP host name is resolved now. */
    SocketAddress socketAddress();

    /** A TCP address; {@code host} is a name, an IPv4 address or an IPv6 address without brackets. */
    record Tcp(String host, int port) implements BackendAddress {
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty()) {
                throw new IllegalArgumentException("empty host");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range 1-65535: " + port);
            }
        }

        @Override
        public SocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** A Unix domain socket at an absolute path. */
    record Unix(Path path) implements BackendAddress {
        public Unix {
            Objects.requireNonNull(path, "path");
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("unix socket path is not absolute: " + path);
            }
        }

        @Override
        public SocketAddress socketAddress() {
            return UnixDomainSocketAddress.of(path);
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /**
     * Parses {@code unix:/run/php/fpm.sock}, {@code 127.0.0.1:9000}, {@code php:9000} or
     * {@code [::1]:9000}.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static BackendAddress parse(String text) {
        String value = text.strip();
        if (value.startsWith("unix:")) {
            return new Unix(Path.of(value.substring("unix:".length())));
        }
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected host:port or unix:/path, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an IPv6 address needs brackets: '" + value + "'");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in '" + value + "'");
        }
        return new Tcp(host, port);
    }

    /** The {@code backend} init-param: comma-separated addresses, at least one. */
    public static List<BackendAddress> list(String value) {
        List<BackendAddress> list = new ArrayList<>();
        for (String item : InitParams.list(value)) {
            list.add(parse(item));
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("expected at least one host:port or unix:/path");
        }
        return list;
    }
}

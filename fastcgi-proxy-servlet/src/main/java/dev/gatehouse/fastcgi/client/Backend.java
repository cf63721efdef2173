package dev.gatehouse.fastcgi.client;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A FastCGI application to send requests to: a TCP {@code host:port} or a Unix domain socket
 * path, as in php-fpm's {@code listen} directive.
 *
 * <p>{@link #parse} accepts {@code 127.0.0.1:9000}, {@code localhost:9000}, {@code [::1]:9000}
 * and {@code unix:/run/php/php-fpm.sock}. A host name is resolved once, when parsed (at
 * configuration time), so that the transport's selector thread never blocks on DNS.
 *
 * @param address an {@link InetSocketAddress} (resolved) or a {@link UnixDomainSocketAddress}
 * @param name the text it was parsed from, for logs and messages
 */
public record Backend(SocketAddress address, String name) {

    private static final String UNIX_PREFIX = "unix:";

    public Backend {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(name, "name");
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            throw new IllegalArgumentException(
                    "backend " + name + ": host " + inet.getHostString() + " does not resolve");
        }
        if (!(address instanceof InetSocketAddress) && !(address instanceof UnixDomainSocketAddress)) {
            throw new IllegalArgumentException("backend " + name + ": not a TCP or Unix " + "domain socket address: "
                    + address.getClass().getName());
        }
    }

    /**
     * A backend from {@code host:port} or {@code unix:/path}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static Backend parse(String text) {
        Objects.requireNonNull(text, "text");
        String spec = text.strip();
        if (spec.startsWith(UNIX_PREFIX)) {
            String path = spec.substring(UNIX_PREFIX.length());
            if (path.isEmpty()) {
                throw invalid(text, "the socket path is empty");
            }
            return new Backend(UnixDomainSocketAddress.of(Path.of(path)), spec);
        }
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw invalid(text, "no host or no port");
        }
        String host = spec.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw invalid(text, "an IPv6 address must be in brackets");
        }
        int port;
        try {
            port = Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw invalid(text, "the port is not a number");
        }
        if (port < 1 || port > 0xFFFF) {
            throw invalid(text, "the port must be 1-65535");
        }
        return new Backend(new InetSocketAddress(host, port), spec);
    }

    /**
     * The backend at a configured address, its host name resolved now (at configuration time):
     * the same backend {@link #parse} makes of the address's text.
     */
    public static Backend of(BackendAddress address) {
        return new Backend(address.socketAddress(), address.toString());
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException(
                "backend \"" + text + "\": " + why + "; expected host:port, [ipv6]:port or unix:/path/to/socket");
    }

    /**
     * A new, unconnected channel to this backend: a Unix domain socket, or a TCP socket with
     * {@code TCP_NODELAY}. A request's records may go out in more than one write (BEGIN_REQUEST
     * and PARAMS when a connection is free, STDIN's end when the body has ended; FastCGI 1.0
     * §3.3). With Nagle's algorithm a small write waits for the ACK of the one before, and
     * php-fpm, waiting for the rest of the request, has nothing to carry that ACK: it comes when
     * its delayed-ACK timer fires, 40 ms on Linux, for every such request.
     */
    SocketChannel openChannel() throws IOException {
        if (address instanceof UnixDomainSocketAddress) {
            return SocketChannel.open(StandardProtocolFamily.UNIX);
        }
        SocketChannel channel = SocketChannel.open(
                ((InetSocketAddress) address).getAddress() instanceof Inet6Address
                        ? StandardProtocolFamily.INET6
                        : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    @Override
    public String toString() {
        return name;
    }
}

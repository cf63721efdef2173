package dev.gatehouse.bench;

import dev.gatehouse.bench.FastCgiBenchmark.Peer;
import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.fastcgi.testing.PhpFpm;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The gateways of the FastCGI benchmark, each with a php-fpm of its own (its TCP pool on
 * 127.0.0.1, {@code pm = static}, the same size for all), all listening on 127.0.0.1:
 *
 * <ul>
 *   <li>our servlet on Jetty 12 and on Tomcat 11, {@code maxConnections} = the pool size;
 *   <li>nginx, careful: an {@code upstream} with {@code keepalive} = the pool size and
 *       {@code fastcgi_keep_conn on};
 *   <li>nginx, default: {@code fastcgi_pass host:port}, a new connection per request.
 * </ul>
 *
 * <p>Closing stops everything started, last first.
 */
final class FastCgiPeers implements AutoCloseable {

    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<Peer> peers = new ArrayList<>();

    static FastCgiPeers start(
            Set<String> targets, int pool, boolean opcache, int nginxWorkers, long bigBytes, Path work)
            throws IOException, InterruptedException {
        FastCgiPeers p = new FastCgiPeers();
        try {
            if (targets.contains("jetty")) {
                p.ours(ServletContainer.Kind.JETTY, "Gatehouse proxy, Jetty 12", pool, opcache, bigBytes);
            }
            if (targets.contains("tomcat")) {
                p.ours(ServletContainer.Kind.TOMCAT, "Gatehouse proxy, Tomcat 11", pool, opcache, bigBytes);
            }
            Optional<Path> nginx = Nginx.locate();
            if (nginx.isPresent() && targets.contains("nginx")) {
                p.nginx(
                        nginx.get(),
                        "nginx",
                        "nginx fastcgi_pass, keepalive",
                        true,
                        pool,
                        opcache,
                        nginxWorkers,
                        bigBytes,
                        work.resolve("nginx"));
            }
            if (nginx.isPresent() && targets.contains("nginx-default")) {
                p.nginx(
                        nginx.get(),
                        "nginx-default",
                        "nginx fastcgi_pass, default",
                        false,
                        pool,
                        opcache,
                        nginxWorkers,
                        bigBytes,
                        work.resolve("nginx-default"));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    List<Peer> list() {
        return List.copyOf(peers);
    }

    private PhpFpm fpm(int pool, boolean opcache, long bigBytes) throws IOException, InterruptedException {
        PhpFpm fpm = new PhpFpm().maxChildren(pool).opcache(opcache);
        started.add(fpm);
        fpm.start();
        FastCgiBenchmark.writeScripts(fpm, bigBytes);
        return fpm;
    }

    private void ours(ServletContainer.Kind kind, String label, int pool, boolean opcache, long bigBytes)
            throws IOException, InterruptedException {
        PhpFpm fpm = fpm(pool, opcache, bigBytes);
        InetSocketAddress a = fpm.address();
        ServletContainer c = ServletContainer.servlets(
                kind,
                "",
                fpm.documentRoot(),
                List.of(ServletSpec.of("php", FastCgiProxyServlet.class, "/")
                        .param("backend", a.getAddress().getHostAddress() + ":" + a.getPort())
                        .param("documentRoot", fpm.documentRoot().toString())
                        .param("maxConnections", Integer.toString(pool))));
        started.add(c);
        peers.add(
                new Peer(kind.name().toLowerCase(java.util.Locale.ROOT), label, true, c.base(), Servers::jvmCpuNanos));
    }

    private void nginx(
            Path program,
            String id,
            String label,
            boolean keepalive,
            int pool,
            boolean opcache,
            int workers,
            long bigBytes,
            Path dir)
            throws IOException, InterruptedException {
        PhpFpm fpm = fpm(pool, opcache, bigBytes);
        InetSocketAddress a = fpm.address();
        String backend = a.getAddress().getHostAddress() + ":" + a.getPort();
        String http = keepalive ? "    upstream php { server %s; keepalive %d; }".formatted(backend, pool) : "";
        String server =
                """
                        root %s;
                        location ~ \\.php$ {
                            fastcgi_pass %s;
                %s
                            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
                            fastcgi_param SCRIPT_NAME $fastcgi_script_name;
                            fastcgi_param QUERY_STRING $query_string;
                            fastcgi_param REQUEST_METHOD $request_method;
                            fastcgi_param CONTENT_TYPE $content_type;
                            fastcgi_param CONTENT_LENGTH $content_length;
                            fastcgi_param REQUEST_URI $request_uri;
                            fastcgi_param DOCUMENT_URI $document_uri;
                            fastcgi_param DOCUMENT_ROOT $document_root;
                            fastcgi_param SERVER_PROTOCOL $server_protocol;
                            fastcgi_param GATEWAY_INTERFACE CGI/1.1;
                            fastcgi_param SERVER_SOFTWARE nginx/$nginx_version;
                            fastcgi_param REMOTE_ADDR $remote_addr;
                            fastcgi_param REMOTE_PORT $remote_port;
                            fastcgi_param SERVER_ADDR $server_addr;
                            fastcgi_param SERVER_PORT $server_port;
                            fastcgi_param SERVER_NAME $server_name;
                            fastcgi_param REDIRECT_STATUS 200;
                        }
                """
                        .formatted(
                                fpm.documentRoot(),
                                keepalive ? "php" : backend,
                                keepalive ? "                fastcgi_keep_conn on;" : "");
        Nginx n = Nginx.start(program, dir, workers, http, server);
        started.add(n);
        peers.add(new Peer(id, label, false, n.base(), n::cpuNanos));
    }

    /** Stops what was started, last first. Idempotent. */
    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("while stopping " + started.get(i) + ": " + e);
            }
        }
        started.clear();
    }
}

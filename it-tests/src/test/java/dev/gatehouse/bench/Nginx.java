package dev.gatehouse.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * nginx as a benchmark peer: run in the foreground from a private directory (generated
 * configuration, pid, logs, temp files), listening on 127.0.0.1 at a free port. The caller
 * gives what goes inside {@code http { }} beside the server and inside {@code server { }};
 * {@link #close()} stops nginx by PID, its workers included.
 */
final class Nginx implements AutoCloseable {

    private static final long START_TIMEOUT_MS = 10_000;

    private final Path dir;
    private final URI base;
    private Process process;

    private Nginx(Path dir, int port) {
        this.dir = dir;
        this.base = URI.create("http://127.0.0.1:" + port + "/");
    }

    /** nginx on this machine, if installed. */
    static Optional<Path> locate() {
        return Executables.find("nginx");
    }

    /**
     * Starts nginx with {@code workers} worker processes.
     *
     * @param http directives for the {@code http} block beside the server, e.g. an {@code upstream}
     * @param server directives for the one {@code server} block after {@code listen}, e.g. locations
     */
    static Nginx start(Path nginx, Path dir, int workers, String http, String server)
            throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("temp"));
        Nginx n = new Nginx(dir, freePort());
        try {
            n.run(nginx, workers, http, server);
        } catch (IOException | InterruptedException | RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** {@code http://127.0.0.1:PORT/} */
    URI base() {
        return base;
    }

    /** CPU time (user + system) used so far by nginx's master and workers. */
    synchronized long cpuNanos() {
        return process == null ? 0 : cpuNanos(process);
    }

    /** CPU time used so far by a process and its live children. */
    static long cpuNanos(Process p) {
        long total = cpuNanos(p.toHandle());
        for (ProcessHandle child : p.children().toList()) {
            total += cpuNanos(child);
        }
        return total;
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private void run(Path nginx, int workers, String http, String server) throws IOException, InterruptedException {
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config(workers, http, server), StandardCharsets.UTF_8);
        // -e: the error log from the first moment, before the configuration is read
        process = new ProcessBuilder(
                        nginx.toString(),
                        "-p",
                        dir + "/",
                        "-c",
                        conf.toString(),
                        "-e",
                        dir.resolve("logs/error.log").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/nginx.out").toFile())
                .start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!accepts(base.getPort())) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IOException("nginx did not start listening on " + base + ": " + log("logs/nginx.out")
                        + log("logs/error.log"));
            }
            Thread.sleep(20);
        }
    }

    private String config(int workers, String http, String server) {
        // when started as root, nginx would switch its workers to "nobody", who cannot reach
        // sockets and files in this private directory; keep them as the user who runs the benchmark
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        String temp = dir.resolve("temp").toString();
        return user
                + """
                worker_processes %d;
                daemon off;
                master_process on;
                pid %s;
                error_log %s warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    client_body_temp_path %s/client_body;
                    proxy_temp_path %s/proxy;
                    fastcgi_temp_path %s/fastcgi;
                    uwsgi_temp_path %s/uwsgi;
                    scgi_temp_path %s/scgi;
                %s
                    server {
                        listen 127.0.0.1:%d;
                        server_name localhost;
                %s
                    }
                }
                """
                        .formatted(
                                workers,
                                dir.resolve("nginx.pid"),
                                dir.resolve("logs/error.log"),
                                temp,
                                temp,
                                temp,
                                temp,
                                temp,
                                http,
                                base.getPort(),
                                server);
    }

    String log(String name) {
        try {
            return "\n--- " + name + " ---\n" + Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "\n--- " + name + " unreadable: " + e.getMessage();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** SIGTERM to the master, then SIGKILL to it and every worker seen before. Idempotent. */
    @Override
    public synchronized void close() {
        if (process != null) {
            stop(process);
            process = null;
        }
    }

    /** Stops a process started here and every descendant it had: by PID, bounded waits. */
    static void stop(Process p) {
        List<ProcessHandle> tree = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}

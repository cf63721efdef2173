package dev.gatehouse.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The external reference: nginx in front of fcgiwrap, the usual way to run CGI scripts without
 * a CGI-capable web server. Both run from a private directory (configuration, pid, logs, temp
 * files, the FastCGI socket); nginx listens on 127.0.0.1 only. {@link #close()} stops both by
 * PID, their workers and children included.
 */
final class NginxFcgiwrap implements AutoCloseable {

    private static final long START_TIMEOUT_MS = 10_000;

    private final Path dir;
    private final URI base;
    private final List<Process> processes = new ArrayList<>();

    private NginxFcgiwrap(Path dir, int port) {
        this.dir = dir;
        this.base = URI.create("http://127.0.0.1:" + port + "/");
    }

    /** nginx and fcgiwrap, or empty when either is not installed. */
    static Optional<Path[]> locate() {
        Optional<Path> nginx = Executables.find("nginx");
        Optional<Path> fcgiwrap = Executables.find("fcgiwrap");
        return nginx.isPresent() && fcgiwrap.isPresent()
                ? Optional.of(new Path[] {nginx.get(), fcgiwrap.get()})
                : Optional.empty();
    }

    /**
     * Starts fcgiwrap with {@code children} processes and nginx with {@code workers} worker
     * processes, serving {@code /cgi-bin/NAME} from {@code scriptDir/NAME}.
     */
    static NginxFcgiwrap start(Path nginx, Path fcgiwrap, Path scriptDir, Path dir, int workers, int children)
            throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("temp"));
        NginxFcgiwrap peer = new NginxFcgiwrap(dir, freePort());
        try {
            peer.startFcgiwrap(fcgiwrap, children);
            peer.startNginx(nginx, scriptDir, workers);
        } catch (IOException | InterruptedException | RuntimeException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    /** {@code http://127.0.0.1:PORT/} */
    URI base() {
        return base;
    }

    /**
     * CPU time (user + system) used so far by nginx's master and workers and by fcgiwrap's
     * processes: the gateway's own work, not the scripts' (they are fcgiwrap's grandchildren).
     */
    synchronized long cpuNanos() {
        long total = 0;
        for (Process p : processes) {
            total += cpuNanos(p.toHandle());
            for (ProcessHandle child : p.children().toList()) {
                total += cpuNanos(child);
            }
        }
        return total;
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private Path socket() {
        return dir.resolve("fcgiwrap.sock");
    }

    private void startFcgiwrap(Path fcgiwrap, int children) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(fcgiwrap.toString(), "-c", Integer.toString(children),
                "-s", "unix:" + socket()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/fcgiwrap.log").toFile()).start();
        processes.add(p);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!Files.exists(socket())) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IOException("fcgiwrap did not create " + socket() + ": " + log("logs/fcgiwrap.log"));
            }
            Thread.sleep(20);
        }
    }

    private void startNginx(Path nginx, Path scriptDir, int workers) throws IOException, InterruptedException {
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config(scriptDir, workers), StandardCharsets.UTF_8);
        // -e: the error log from the first moment, before the configuration is read
        Process p = new ProcessBuilder(nginx.toString(), "-p", dir + "/", "-c", conf.toString(),
                "-e", dir.resolve("logs/error.log").toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/nginx.out").toFile()).start();
        processes.add(p);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!accepts(base.getPort())) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IOException("nginx did not start listening on " + base + ": "
                        + log("logs/nginx.out") + log("logs/error.log"));
            }
            Thread.sleep(20);
        }
    }

    private String config(Path scriptDir, int workers) {
        // when started as root, nginx would switch its workers to "nobody", who cannot reach the
        // socket in this private directory; keep them as the user who runs the benchmark
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        String temp = dir.resolve("temp").toString();
        return user + """
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
                    server {
                        listen 127.0.0.1:%d;
                        server_name localhost;
                        location ~ ^/cgi-bin/([A-Za-z0-9_.-]+)$ {
                            fastcgi_pass unix:%s;
                            fastcgi_param SCRIPT_FILENAME %s/$1;
                            fastcgi_param SCRIPT_NAME $uri;
                            fastcgi_param QUERY_STRING $query_string;
                            fastcgi_param REQUEST_METHOD $request_method;
                            fastcgi_param CONTENT_TYPE $content_type;
                            fastcgi_param CONTENT_LENGTH $content_length;
                            fastcgi_param REQUEST_URI $request_uri;
                            fastcgi_param SERVER_PROTOCOL $server_protocol;
                            fastcgi_param GATEWAY_INTERFACE CGI/1.1;
                            fastcgi_param SERVER_SOFTWARE nginx/$nginx_version;
                            fastcgi_param REMOTE_ADDR $remote_addr;
                            fastcgi_param REMOTE_PORT $remote_port;
                            fastcgi_param SERVER_ADDR $server_addr;
                            fastcgi_param SERVER_PORT $server_port;
                            fastcgi_param SERVER_NAME $server_name;
                        }
                    }
                }
                """.formatted(workers, dir.resolve("nginx.pid"), dir.resolve("logs/error.log"),
                temp, temp, temp, temp, temp, base.getPort(), socket(), scriptDir);
    }

    private String log(String name) {
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
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Stops nginx, then fcgiwrap: SIGTERM to each process started here, then SIGKILL to it and
     * to every descendant seen before (nginx workers, fcgiwrap children). Idempotent.
     */
    @Override
    public synchronized void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
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
        processes.clear();
    }
}

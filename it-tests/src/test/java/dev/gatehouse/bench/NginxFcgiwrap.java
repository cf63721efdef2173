package dev.gatehouse.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The external reference: nginx in front of fcgiwrap, the usual way to run CGI scripts without
 * a CGI-capable web server. Both run from a private directory (configuration, pid, logs, temp
 * files, the FastCGI socket); nginx listens on 127.0.0.1 only. {@link #close()} stops both by
 * PID, their workers and children included.
 */
final class NginxFcgiwrap implements AutoCloseable {

    private static final long START_TIMEOUT_MS = 10_000;

    private final Path dir;
    private Process fcgiwrap;
    private Nginx nginx;

    private NginxFcgiwrap(Path dir) {
        this.dir = dir;
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
        NginxFcgiwrap peer = new NginxFcgiwrap(dir);
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
        return nginx.base();
    }

    /**
     * CPU time (user + system) used so far by nginx's master and workers and by fcgiwrap's
     * processes: the gateway's own work, not the scripts' (they are fcgiwrap's grandchildren).
     */
    synchronized long cpuNanos() {
        return (fcgiwrap == null ? 0 : Nginx.cpuNanos(fcgiwrap)) + (nginx == null ? 0 : nginx.cpuNanos());
    }

    private Path socket() {
        return dir.resolve("fcgiwrap.sock");
    }

    private void startFcgiwrap(Path fcgiwrap, int children) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(fcgiwrap.toString(), "-c", Integer.toString(children), "-s", "unix:" + socket())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/fcgiwrap.log").toFile())
                .start();
        this.fcgiwrap = p;
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!Files.exists(socket())) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IOException("fcgiwrap did not create " + socket() + ": " + log("logs/fcgiwrap.log"));
            }
            Thread.sleep(20);
        }
    }

    private void startNginx(Path program, Path scriptDir, int workers) throws IOException, InterruptedException {
        nginx = Nginx.start(
                program,
                dir.resolve("nginx"),
                workers,
                "",
                """
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
                """
                        .formatted(socket(), scriptDir));
    }

    private String log(String name) {
        try {
            return "\n--- " + name + " ---\n" + Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "\n--- " + name + " unreadable: " + e.getMessage();
        }
    }

    /**
     * Stops nginx, then fcgiwrap: SIGTERM to each process started here, then SIGKILL to it and
     * to every descendant seen before (nginx workers, fcgiwrap children). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (nginx != null) {
            nginx.close();
            nginx = null;
        }
        if (fcgiwrap != null) {
            Nginx.stop(fcgiwrap);
            fcgiwrap = null;
        }
    }
}

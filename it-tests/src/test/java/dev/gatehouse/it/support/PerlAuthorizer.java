package dev.gatehouse.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real FastCGI authorizer for the tests: a Perl program on Debian's FCGI module
 * (libfcgi-perl), listening on a Unix socket in a temporary directory, started as a child
 * process and stopped by its pid. It answers by HTTP_AUTHORIZATION: {@code Basic alice:secret}
 * is 200 with {@code Variable-USER: alice}, {@code Variable-ROLE: admin} and
 * {@code Variable-SEEN} (some of the params it got); anything else is 401 with
 * {@code WWW-Authenticate}, {@code X-Seen} and a short text body.
 */
public final class PerlAuthorizer implements AutoCloseable {

    /** The body of every 401. */
    public static final String DENIAL_BODY = "denied: no valid credentials\n";
    /** The WWW-Authenticate of every 401. */
    public static final String CHALLENGE = "Basic realm=\"gatehouse\"";

    private static final Duration START_LIMIT = Duration.ofSeconds(15);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);

    private static final String PROGRAM =
            """
            use strict;
            use warnings;
            use FCGI;
            my $socket = FCGI::OpenSocket($ARGV[0], 10) or die "cannot listen on $ARGV[0]";
            my %env;
            my $request = FCGI::Request(\\*STDIN, \\*STDOUT, \\*STDERR, \\%env, $socket);
            while ($request->Accept() >= 0) {
                my $seen = join(';', map { "$_=" . ($env{$_} // '<unset>') }
                    qw(FCGI_ROLE REQUEST_METHOD REQUEST_URI CONTENT_LENGTH SCRIPT_NAME PATH_INFO));
                if (($env{HTTP_AUTHORIZATION} // '') eq 'Basic YWxpY2U6c2VjcmV0') {
                    print "Status: 200\\r\\nVariable-USER: alice\\r\\nVariable-ROLE: admin\\r\\n",
                        "Variable-SEEN: $seen\\r\\n\\r\\nallowed, never shown\\n";
                } else {
                    print "Status: 401 Unauthorized\\r\\nWWW-Authenticate: Basic realm=\\"gatehouse\\"\\r\\n",
                        "Content-Type: text/plain\\r\\nX-Seen: $seen\\r\\n\\r\\ndenied: no valid credentials\\n";
                }
                $request->Finish();
            }
            """;

    private final Path dir;
    private final Path socket;
    private final Process process;

    private PerlAuthorizer(Path dir, Path socket, Process process) {
        this.dir = dir;
        this.socket = socket;
        this.process = process;
    }

    /** Starts the program and waits (bounded) until its socket accepts connections. */
    public static PerlAuthorizer start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gh-auth-");
        Path script = Files.writeString(dir.resolve("authorizer.pl"), PROGRAM);
        Path socket = dir.resolve("fcgi.sock");
        Process process = new ProcessBuilder("perl", script.toString(), socket.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.log").toFile())
                .start();
        PerlAuthorizer authorizer = new PerlAuthorizer(dir, socket, process);
        Instant end = Instant.now().plus(START_LIMIT);
        while (!authorizer.accepts()) {
            if (!process.isAlive() || Instant.now().isAfter(end)) {
                authorizer.close();
                throw new IllegalStateException("the Perl authorizer did not listen on " + socket + " within "
                        + START_LIMIT.toSeconds() + " s; output: " + Files.readString(dir.resolve("output.log")));
            }
            Thread.sleep(20);
        }
        return authorizer;
    }

    private boolean accepts() {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The filter's {@code backend} init-param value. */
    public String backend() {
        return "unix:" + socket;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the process by its pid (TERM, then KILL after a bounded wait) and deletes its directory. */
    @Override
    public void close() {
        ProcessHandle handle = process.toHandle();
        handle.destroy();
        try {
            if (!process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            handle.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

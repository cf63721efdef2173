package dev.gatehouse.fastcgi;

import dev.gatehouse.fastcgi.client.FakeBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A scripted FastCGI responder (FastCGI 1.0 §6.2) on 127.0.0.1 for the proxy's unit tests, over
 * the client tests' {@link FakeBackend}: each connection reads one request (BEGIN_REQUEST, PARAMS,
 * STDIN) and then runs the test's {@link Script}, which answers as it likes, or not at all, and
 * can wait to see what the proxy does with the connection ({@link Conn#awaitEnd}: ABORT_REQUEST,
 * or the connection closed), so that a test sees a backend connection given up for a client that
 * went away.
 */
final class Responder implements AutoCloseable {

    /** What the application does with one request. */
    interface Script {
        void serve(Conn conn) throws IOException, InterruptedException;
    }

    private final FakeBackend backend;

    Responder(Script script) throws IOException {
        this.backend = new FakeBackend(Map.of(), (conn, index) -> {
            if (!conn.readRequest()) {
                return;
            }
            try {
                script.serve(new Conn(conn));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the test is over: this script ends
            }
        });
    }

    String address() {
        return backend.backend().toString();
    }

    @Override
    public void close() throws IOException {
        backend.close();
    }

    /** One accepted connection, for request id 1 (the proxy's one request per connection). */
    static final class Conn {
        private final FakeBackend.Conn conn;

        Conn(FakeBackend.Conn conn) {
            this.conn = conn;
        }

        void stdout(String text) throws IOException {
            conn.write(6, 1, text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** The end of STDOUT and END_REQUEST with {@code protocolStatus} (0: REQUEST_COMPLETE). */
        void end(int protocolStatus) throws IOException {
            conn.write(6, 1, new byte[0]);
            conn.end(protocolStatus);
        }

        void raw(byte[] bytes) throws IOException {
            conn.raw(bytes);
        }

        /** Drops the connection at once (a crashed worker). */
        void drop() throws IOException {
            conn.drop();
        }

        /** Waits until the proxy gives the request up; returns "ABORT_REQUEST" or "closed". */
        String awaitEnd() throws IOException {
            return conn.awaitEnd();
        }
    }
}

package dev.gatehouse.fastcgi;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted FastCGI responder (FastCGI 1.0 §6.2) on 127.0.0.1 for the proxy's unit tests: each
 * connection reads one request (BEGIN_REQUEST, PARAMS, STDIN) and then runs the test's {@link
 * Script}, which answers as it likes, or not at all, and can wait to see what the proxy does
 * with the connection ({@link Conn#awaitEnd}: ABORT_REQUEST, or the connection closed), so that a
 * test sees a backend connection given up for a client that went away.
 */
final class Responder implements AutoCloseable {

    /** What the application does with one request. */
    interface Script {
        void serve(Conn conn) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Script script;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    Responder(Script script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        Thread acceptor = new Thread(this::accept, "test-fastcgi-responder");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread worker = new Thread(() -> serve(socket), "test-fastcgi-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            Conn conn = new Conn(socket);
            conn.readRequest();
            script.serve(conn);
        } catch (IOException | InterruptedException e) {
            // the proxy closed the connection: this script ends
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** One accepted connection: records in and out, for the request id the proxy chose. */
    static final class Conn {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private int id = 1;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** Reads a record: its type, its content skipped. */
        private int read() throws IOException {
            byte[] header = new byte[8];
            in.readFully(header);
            int length = (header[4] & 0xFF) << 8 | header[5] & 0xFF;
            in.readFully(new byte[length + (header[6] & 0xFF)]);
            if (header[1] == 1) {
                id = (header[2] & 0xFF) << 8 | header[3] & 0xFF;
            }
            return header[1] == 4 || header[1] == 5 ? (length == 0 ? -header[1] : header[1]) : header[1];
        }

        /** BEGIN_REQUEST, then PARAMS and STDIN up to their empty records. */
        void readRequest() throws IOException {
            while (read() != -4) {
                // BEGIN_REQUEST and PARAMS
            }
            while (read() != -5) {
                // STDIN
            }
        }

        void write(int type, byte[] content) throws IOException {
            out.write(new byte[] {
                1, (byte) type, (byte) (id >> 8), (byte) id, (byte) (content.length >> 8), (byte) content.length, 0, 0
            });
            out.write(content);
            out.flush();
        }

        void stdout(String text) throws IOException {
            write(6, text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** The end of STDOUT and END_REQUEST with {@code protocolStatus} (0: REQUEST_COMPLETE). */
        void end(int protocolStatus) throws IOException {
            write(6, new byte[0]);
            write(3, new byte[] {0, 0, 0, 0, (byte) protocolStatus, 0, 0, 0});
        }

        void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Drops the connection at once (a crashed worker). */
        void drop() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /**
         * Waits until the proxy gives the request up: ABORT_REQUEST, or the connection closed;
         * returns which.
         */
        String awaitEnd() throws IOException {
            try {
                while (true) {
                    if (read() == 2) {
                        return "ABORT_REQUEST";
                    }
                }
            } catch (EOFException | java.net.SocketException e) {
                return "closed";
            }
        }
    }
}

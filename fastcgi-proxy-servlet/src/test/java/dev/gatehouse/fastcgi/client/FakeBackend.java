package dev.gatehouse.fastcgi.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted FastCGI application on a {@link ServerSocket} at 127.0.0.1, for what a real php-fpm
 * cannot be made to do: malformed records, a connection closed mid-STDOUT, OVERLOADED, an
 * announced FCGI_MAX_CONNS, a kept-alive connection closed under the client, ABORT_REQUEST
 * observed on the wire. Each connection runs {@link Behaviour} on its own thread; GET_VALUES
 * is answered with {@code values} and the connection closed, as php-fpm does.
 */
public final class FakeBackend implements AutoCloseable {

    static final int GET_VALUES = 9;
    static final int ABORT_REQUEST = 2;

    /** What the application does on one connection, after the GET_VALUES probe. */
    public interface Behaviour {
        void serve(Conn conn, int index) throws IOException;
    }

    public record Rec(int type, int id, byte[] content) {}

    private final ServerSocket server;
    private final Map<String, String> values;
    private final Behaviour behaviour;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    final List<Rec> received = new CopyOnWriteArrayList<>();

    public FakeBackend(Map<String, String> values, Behaviour behaviour) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.values = values;
        this.behaviour = behaviour;
        Thread acceptor = new Thread(this::accept, "fake-fastcgi-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public Backend backend() {
        return Backend.parse("127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread worker = new Thread(() -> serve(socket), "fake-fastcgi-connection");
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
            Rec first = conn.read();
            if (first.type() == GET_VALUES) {
                conn.write(10, 0, pairs(values));
                return;
            }
            conn.pushBack(first);
            behaviour.serve(conn, connections.getAndIncrement());
        } catch (IOException e) {
            // the client closed the connection: the end of this script
        }
    }

    private static byte[] pairs(Map<String, String> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        values.forEach((name, value) -> {
            out.write(name.length());
            out.write(value.length());
            out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
        });
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** One accepted connection: records in and out. */
    public final class Conn {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private Rec pushedBack;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        public Rec read() throws IOException {
            if (pushedBack != null) {
                Rec rec = pushedBack;
                pushedBack = null;
                return rec;
            }
            byte[] header = new byte[8];
            in.readFully(header);
            int length = (header[4] & 0xFF) << 8 | header[5] & 0xFF;
            byte[] content = new byte[length];
            in.readFully(content);
            in.readFully(new byte[header[6] & 0xFF]);
            Rec rec = new Rec(header[1], (header[2] & 0xFF) << 8 | header[3] & 0xFF, content);
            received.add(rec);
            return rec;
        }

        void pushBack(Rec rec) {
            pushedBack = rec;
        }

        /** Reads BEGIN_REQUEST, the PARAMS and the STDIN streams; false at end of input. */
        public boolean readRequest() throws IOException {
            try {
                Rec begin = read();
                if (begin.type() != 1) {
                    throw new IOException("expected BEGIN_REQUEST, got type " + begin.type());
                }
                while (read().content().length > 0) {
                    // PARAMS
                }
                while (read().content().length > 0) {
                    // STDIN
                }
                return true;
            } catch (EOFException e) {
                return false;
            }
        }

        public void write(int type, int id, byte[] content) throws IOException {
            out.write(new byte[] {
                1, (byte) type, (byte) (id >> 8), (byte) id, (byte) (content.length >> 8), (byte) content.length, 0, 0
            });
            out.write(content);
            out.flush();
        }

        public void stdout(String text) throws IOException {
            write(6, 1, text.getBytes(StandardCharsets.UTF_8));
        }

        public void end(int protocolStatus) throws IOException {
            write(3, 1, new byte[] {0, 0, 0, 0, (byte) protocolStatus, 0, 0, 0});
        }

        /** A complete response: STDOUT, its end, END_REQUEST(REQUEST_COMPLETE). */
        public void respond(String body) throws IOException {
            stdout("Content-Type: text/plain\r\n\r\n" + body);
            write(6, 1, new byte[0]);
            end(0);
        }

        public void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Drops the connection at once, as a crashed worker does (a reset, not a FIN). */
        public void drop() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /**
         * Waits until the client gives the request up: ABORT_REQUEST, or the connection closed;
         * returns which.
         */
        public String awaitEnd() throws IOException {
            try {
                while (true) {
                    if (read().type() == ABORT_REQUEST) {
                        return "ABORT_REQUEST";
                    }
                }
            } catch (EOFException | java.net.SocketException e) {
                return "closed";
            }
        }
    }
}

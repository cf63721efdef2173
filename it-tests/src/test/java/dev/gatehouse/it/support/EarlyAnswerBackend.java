package dev.gatehouse.it.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A FastCGI responder (FastCGI 1.0 §6.2) that answers as soon as it has the PARAMS stream and
 * ends the request (END_REQUEST) before it reads any STDIN, as an application that ignores the
 * body does; php-fpm cannot be made to, since PHP reads the rest of STDIN itself before it ends a
 * request. It keeps the connection, as the proxy's FCGI_KEEP_CONN asks: what still arrives for
 * the ended request (its STDIN) is read and dropped, as php-fpm skips it, so that no reset reaches
 * the proxy before it has read the answer, and a BEGIN_REQUEST after it starts the next request
 * on the same connection (the proxy reuses a connection on which it sent no body byte). Its
 * answer is {@link #BODY}.
 */
public final class EarlyAnswerBackend implements AutoCloseable {

    public static final String BODY = "answered before reading STDIN";

    private static final int BEGIN_REQUEST = 1;
    private static final int END_REQUEST = 3;
    private static final int PARAMS = 4;
    private static final int STDOUT = 6;
    private static final int GET_VALUES = 9;
    private static final int GET_VALUES_RESULT = 10;

    private final ServerSocket server;

    public EarlyAnswerBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "early-answer-fastcgi-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The {@code backend} init-param value. */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread worker = new Thread(() -> serve(socket), "early-answer-fastcgi-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            byte[] header = new byte[8];
            boolean inRequest = false; // between BEGIN_REQUEST and the answer
            while (true) {
                in.readFully(header); // EOF: the proxy closed the connection
                int type = header[1] & 0xff;
                int id = (header[2] & 0xff) << 8 | header[3] & 0xff;
                int length = (header[4] & 0xff) << 8 | header[5] & 0xff;
                in.skipNBytes(length + (header[6] & 0xff));
                if (type == GET_VALUES) {
                    out.write(record(GET_VALUES_RESULT, 0, new byte[0]));
                    return; // as php-fpm: the probe's connection is closed
                }
                if (type == BEGIN_REQUEST) {
                    inRequest = true;
                } else if (inRequest && type == PARAMS && length == 0) {
                    byte[] stdout = ("Content-Type: text/plain\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII);
                    out.write(record(STDOUT, id, stdout));
                    out.write(record(STDOUT, id, new byte[0]));
                    out.write(record(END_REQUEST, id, new byte[8])); // app status 0, REQUEST_COMPLETE
                    out.flush();
                    inRequest = false; // the rest of this request's records are dropped
                }
            }
        } catch (IOException e) {
            // the proxy closed the connection
        }
    }

    private static byte[] record(int type, int id, byte[] content) {
        byte[] record = new byte[8 + content.length];
        record[0] = 1;
        record[1] = (byte) type;
        record[2] = (byte) (id >> 8);
        record[3] = (byte) id;
        record[4] = (byte) (content.length >> 8);
        record[5] = (byte) content.length;
        System.arraycopy(content, 0, record, 8, content.length);
        return record;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

package dev.gatehouse.it.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client on a plain socket, for what {@link java.net.http.HttpClient} will
 * not do: send a request target or header set exactly as written, see whether a HEAD response
 * carries body bytes, tell a complete chunked body from an aborted one, and hang up mid-response.
 * Every read is bounded by the socket timeout, so a server that stalls fails the test instead
 * of hanging it.
 */
public final class RawHttp implements AutoCloseable {

    /** A response head: the status line and the header fields in order. */
    public record Head(String statusLine, int status, List<String[]> fields) {

        /** The first value of a header (case-insensitive), or null. */
        public String header(String name) {
            List<String> values = headers(name);
            return values.isEmpty() ? null : values.get(0);
        }

        /** All values of a header, in order. */
        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String[] field : fields) {
                if (field[0].equalsIgnoreCase(name)) {
                    values.add(field[1]);
                }
            }
            return values;
        }

        public boolean chunked() {
            String te = header("Transfer-Encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }
    }

    /** A whole exchange: the head and the body, decoded from its framing. */
    public record Response(Head head, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to the host and port of {@code base}; every later read waits at most {@code readTimeout}. */
    public static RawHttp connect(URI base, Duration readTimeout) throws IOException {
        return connect(base, readTimeout, 0);
    }

    /**
     * As {@link #connect(URI, Duration)}, with a receive buffer of {@code receiveBuffer} bytes
     * (0: the system's): a small one, set before the connection, keeps the TCP window small, so
     * that a client that does not read stalls the server's writes early.
     */
    public static RawHttp connect(URI base, Duration readTimeout, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout((int) readTimeout.toMillis());
            return new RawHttp(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends {@code request} (head and body as given; it should ask for {@code Connection: close})
     * and reads the response to the end of the connection. For a HEAD request the bytes after the
     * head are returned undecoded: there should be none.
     */
    public static Response exchange(URI base, byte[] request, boolean head, Duration timeout) throws IOException {
        try (RawHttp http = connect(base, timeout)) {
            http.write(request);
            Head h = http.readHead();
            byte[] body = head ? http.in.readAllBytes() : http.body(h).readAllBytes();
            return new Response(h, body);
        }
    }

    /** Every later read waits at most {@code readTimeout} (SocketTimeoutException, the stream still usable). */
    public void readTimeout(Duration readTimeout) throws IOException {
        socket.setSoTimeout((int) readTimeout.toMillis());
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Half-closes the connection: the server reads the end of the stream, and can still answer. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Reads the status line and header fields up to the blank line. */
    public Head readHead() throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before a status line");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        List<String[]> fields = new ArrayList<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed response header line: " + line);
            }
            fields.add(new String[] {
                line.substring(0, colon).strip(), line.substring(colon + 1).strip()
            });
        }
        if (line == null) {
            throw new EOFException("connection closed inside the response head");
        }
        return new Head(statusLine, Integer.parseInt(parts[1]), fields);
    }

    /**
     * The body after {@code head}, decoded: chunked, Content-Length or to end of connection. A
     * chunked or sized body that ends early throws {@link EOFException}: the response was aborted.
     */
    public InputStream body(Head head) {
        if (head.chunked()) {
            return new ChunkedInput(in);
        }
        String length = head.header("Content-Length");
        if (length != null) {
            return new SizedInput(in, Long.parseLong(length));
        }
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A line up to LF, without CR LF; null at end of stream before any byte. */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        if (line.size() > 0) {
            throw new EOFException("connection closed inside a line");
        }
        return null;
    }

    /** RFC 9112 §7.1 chunked coding; trailers are read and dropped. */
    private static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long remaining;
        private boolean crlfOwed;
        private boolean done;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            } else if (len == 0) {
                return 0; // InputStream.readNBytes asks for 0 bytes once it has enough: do not block on the next chunk
            }
            if (remaining == 0) {
                // the CRLF after a chunk's data is read only now: Jetty sends it with the next
                // chunk, so waiting for it would hold back data that has already arrived
                if (crlfOwed) {
                    String crlf = readLine(in);
                    if (crlf == null) {
                        throw new EOFException("response aborted: connection closed after a chunk");
                    } else if (!crlf.isEmpty()) {
                        throw new IOException("chunk not followed by CRLF");
                    }
                    crlfOwed = false;
                }
                String size = readLine(in);
                if (size == null) {
                    throw new EOFException("response aborted: connection closed before the last chunk");
                }
                int semi = size.indexOf(';');
                remaining = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                if (remaining == 0) {
                    String trailer;
                    do {
                        trailer = readLine(in);
                        if (trailer == null) {
                            throw new EOFException("response aborted: connection closed inside the trailers");
                        }
                    } while (!trailer.isEmpty());
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("response aborted: connection closed inside a chunk");
            }
            remaining -= n;
            crlfOwed = remaining == 0;
            return n;
        }
    }

    /** A body of a known length. */
    private static final class SizedInput extends InputStream {
        private final InputStream in;
        private long remaining;

        SizedInput(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            } else if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("response aborted: " + remaining + " bytes of the body missing");
            }
            remaining -= n;
            return n;
        }
    }
}

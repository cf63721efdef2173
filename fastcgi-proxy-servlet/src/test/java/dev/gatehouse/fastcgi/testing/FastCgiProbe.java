package dev.gatehouse.fastcgi.testing;

import dev.gatehouse.fastcgi.protocol.BeginRequest;
import dev.gatehouse.fastcgi.protocol.ByteStream;
import dev.gatehouse.fastcgi.protocol.EndRequest;
import dev.gatehouse.fastcgi.protocol.FastCgiProtocolException;
import dev.gatehouse.fastcgi.protocol.NameValuePair;
import dev.gatehouse.fastcgi.protocol.Params;
import dev.gatehouse.fastcgi.protocol.ProtocolStatus;
import dev.gatehouse.fastcgi.protocol.RecordParser;
import dev.gatehouse.fastcgi.protocol.RecordWriter;
import dev.gatehouse.fastcgi.protocol.Role;
import dev.gatehouse.fastcgi.protocol.ServerRecord;
import dev.gatehouse.fastcgi.protocol.StreamRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One FastCGI RESPONDER request on a fresh connection, made by hand with the protocol codec:
 * test code for talking to php-fpm without the proxy's transport. Every wait is bounded by the
 * given timeout.
 */
public final class FastCgiProbe {

    private static final int REQUEST_ID = 1;

    private FastCgiProbe() {}

    /**
     * What the application answered.
     *
     * @param stdout the STDOUT stream: a CGI response, header block and body
     * @param stderr the STDERR stream as UTF-8
     * @param end the END_REQUEST record
     */
    public record Response(byte[] stdout, String stderr, EndRequest end) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** The body after the CGI header block, as UTF-8. */
        public String body() {
            String text = stdoutText();
            int crlf = text.indexOf("\r\n\r\n");
            int lf = text.indexOf("\n\n");
            if (crlf < 0 && lf < 0) {
                throw new AssertionError("no header block in STDOUT: " + text);
            }
            return crlf >= 0 && (lf < 0 || crlf < lf) ? text.substring(crlf + 4) : text.substring(lf + 2);
        }

        @Override
        public String toString() {
            return "Response[stdout=" + stdoutText() + ", stderr=" + stderr + ", end=" + end + "]";
        }
    }

    /** The params for a request that names a script file, in CGI/1.1 terms. */
    public static List<NameValuePair> params(Map<String, String> variables) {
        List<NameValuePair> list = new ArrayList<>();
        variables.forEach((name, value) -> list.add(new NameValuePair(name, value)));
        return list;
    }

    /**
     * Sends one request with {@code body} as STDIN and reads until END_REQUEST.
     *
     * @throws IOException if the exchange fails, times out, or the response breaks FastCGI
     */
    public static Response request(SocketAddress address, List<NameValuePair> params, byte[] body, Duration timeout)
            throws IOException {
        try {
            return exchange(address, params, body, timeout);
        } catch (FastCgiProtocolException e) {
            throw new IOException("malformed FastCGI response from " + address + ": " + e.getMessage(), e);
        }
    }

    private static Response exchange(SocketAddress address, List<NameValuePair> params, byte[] body, Duration timeout)
            throws IOException, FastCgiProtocolException {
        RecordWriter writer = new RecordWriter();
        List<ByteBuffer> out = new ArrayList<>();
        out.add(writer.beginRequest(new BeginRequest(REQUEST_ID, Role.RESPONDER, false)));
        out.add(writer.params(new Params(REQUEST_ID, params)));
        if (body.length > 0) {
            out.addAll(Arrays.asList(
                    writer.stream(new StreamRecord(ByteStream.STDIN, REQUEST_ID, ByteBuffer.wrap(body)))));
        }
        out.addAll(Arrays.asList(writer.stream(StreamRecord.end(ByteStream.STDIN, REQUEST_ID))));
        ByteBuffer[] pending = out.toArray(ByteBuffer[]::new);

        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        RecordParser parser = RecordParser.forRequest(REQUEST_ID);
        ByteBuffer input = ByteBuffer.allocate(16 * 1024);
        // connecting to a local listener completes or fails at once; only the exchange can hang
        try (SocketChannel channel = SocketChannel.open(address);
                Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException("no END_REQUEST from " + address + " within " + timeout.toMillis()
                            + " ms; STDOUT so far: " + stdout.toString(StandardCharsets.UTF_8));
                }
                selector.select(left);
                if (key.isWritable()) {
                    channel.write(pending);
                    if (!pending[pending.length - 1].hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
                if (!key.isReadable()) {
                    continue;
                }
                if (channel.read(input) < 0) {
                    parser.endOfInput();
                    throw new IOException("connection closed before END_REQUEST; STDOUT so far: "
                            + stdout.toString(StandardCharsets.UTF_8));
                }
                input.flip();
                for (ServerRecord record; (record = parser.next(input)) != null; ) {
                    if (record instanceof StreamRecord s) {
                        copy(s.content(), s.stream() == ByteStream.STDOUT ? stdout : stderr);
                    } else if (record instanceof EndRequest end) {
                        return new Response(stdout.toByteArray(), stderr.toString(StandardCharsets.UTF_8), end);
                    }
                }
                input.clear();
            }
        }
    }

    /** Whether a request ended as the application completed it, with exit status 0. */
    public static boolean completed(Response response) {
        return response.end().protocolStatus() == ProtocolStatus.REQUEST_COMPLETE
                && response.end().appStatus() == 0;
    }

    private static void copy(ByteBuffer content, ByteArrayOutputStream sink) {
        byte[] bytes = new byte[content.remaining()];
        content.duplicate().get(bytes);
        sink.writeBytes(bytes);
    }
}

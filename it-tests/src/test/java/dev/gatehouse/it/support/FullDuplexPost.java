package dev.gatehouse.it.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 POST over a raw socket that sends the body on one thread while it reads the
 * response on another. An echoing script answers while it still reads, so a client that sends
 * the whole body before it reads (as java.net.http does for HTTP/1.1) deadlocks once the
 * socket buffers fill: a real browser or curl does not.
 */
public final class FullDuplexPost {

    /** The response: status, headers (lower-case names, last value wins), body size and SHA-256. */
    public record Result(int status, Map<String, String> headers, long bodyBytes, String bodySha256) {}

    private FullDuplexPost() {}

    /** POSTs {@code body} with Content-Length, or chunked when {@code chunked}. */
    public static Result post(URI uri, byte[] body, boolean chunked) throws Exception {
        return post(uri, body, chunked, false);
    }

    /**
     * As {@link #post(URI, byte[], boolean)} for a request the server refuses before it has read
     * the whole body (413): it may close the connection under the rest, so sending may fail once
     * the answer is in; the answer is what counts.
     */
    public static Result postRefusedEarly(URI uri, byte[] body, boolean chunked) throws Exception {
        return post(uri, body, chunked, true);
    }

    private static Result post(URI uri, byte[] body, boolean chunked, boolean refusedEarly) throws Exception {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            String target = uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
            String head = "POST " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n";
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    out.write(head.getBytes(StandardCharsets.US_ASCII));
                    for (int off = 0; off < body.length; off += 65536) {
                        int len = Math.min(65536, body.length - off);
                        if (chunked) {
                            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(body, off, len);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException("sending the body failed", e);
                }
            });
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line; !(line = line(in)).isEmpty(); ) {
                int colon = line.indexOf(':');
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
            MessageDigest sha = sha256();
            long total;
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                total = 0;
                for (int size; (size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0; ) {
                    total += copy(in, sha, size);
                    line(in);
                }
            } else if (headers.containsKey("content-length")) {
                long length = Long.parseLong(headers.get("content-length"));
                total = copy(in, sha, length);
                if (total != length) {
                    throw new IOException("body ended after " + total + " of " + length + " bytes");
                }
            } else {
                total = copy(in, sha, Long.MAX_VALUE);
            }
            try {
                sender.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!refusedEarly) {
                    throw e;
                }
            }
            return new Result(status, headers, total, HexFormat.of().formatHex(sha.digest()));
        }
    }

    /** The SHA-256 of {@code data} in lower-case hex. */
    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(sha256().digest(data));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long copy(InputStream in, MessageDigest sha, long limit) throws IOException {
        byte[] buf = new byte[65536];
        long total = 0;
        while (total < limit) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, limit - total));
            if (n < 0) {
                if (limit != Long.MAX_VALUE) {
                    throw new IOException("connection closed inside the body after " + total + " bytes");
                }
                break;
            }
            sha.update(buf, 0, n);
            total += n;
        }
        return total;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("connection closed inside the response head");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}

package dev.gatehouse.it.support;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/**
 * A {@code multipart/form-data} request body (RFC 7578) built in memory, since the JDK's
 * HttpClient has no builder for one.
 */
public final class MultipartBody {

    private final String boundary;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    public MultipartBody(String boundary) {
        this.boundary = boundary;
    }

    /** Adds a plain form field. */
    public MultipartBody field(String name, String value) {
        part("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n", value.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Adds a file field. */
    public MultipartBody file(String name, String filename, String contentType, byte[] content) {
        part(
                "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n"
                        + "Content-Type: " + contentType + "\r\n\r\n",
                content);
        return this;
    }

    /** The Content-Type header value, with the boundary. */
    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The complete body, closing delimiter included. */
    public byte[] toByteArray() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(bytes.toByteArray());
        all.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return all.toByteArray();
    }

    /** The body with a Content-Length, or, when {@code chunked}, as a stream of unknown length. */
    public HttpRequest.BodyPublisher publisher(boolean chunked) {
        byte[] body = toByteArray();
        return chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
    }

    private void part(String head, byte[] content) {
        bytes.writeBytes(("--" + boundary + "\r\n" + head).getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(content);
        bytes.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
}

package dev.gatehouse.asgi;

import java.util.List;

/**
 * {@code http.response.start} (send): status and headers. Nothing need reach the client until the
 * first {@code http.response.body}. {@code trailers=true} announces an {@code
 * http.response.trailers} after the last body chunk (HTTP Trailers extension).
 *
 * @param status an HTTP status code, 100–599 (RFC 9110 §15)
 * @param headers lowercased names, in the order they are to be sent
 * @param trailers whether {@code http.response.trailers} will follow the body
 */
public record HttpResponseStart(int status, List<Header> headers, boolean trailers) implements HttpEvent, SendEvent {
    public static final String TYPE = "http.response.start";

    public HttpResponseStart {
        checkStatus(status);
        headers = List.copyOf(headers);
    }

    /** A start without trailers. */
    public HttpResponseStart(int status, List<Header> headers) {
        this(status, headers, false);
    }

    @Override
    public String asgiType() {
        return TYPE;
    }

    static void checkStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is not in 100-599 (RFC 9110 §15)");
        }
    }
}

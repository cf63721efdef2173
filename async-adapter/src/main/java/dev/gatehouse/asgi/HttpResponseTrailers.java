package dev.gatehouse.asgi;

import java.util.List;

/**
 * {@code http.response.trailers} (send, HTTP Trailers extension): trailer fields after the last
 * body chunk; only allowed when {@code http.response.start} had {@code trailers=true}. {@code
 * more_trailers=true} means another trailers event follows.
 */
public record HttpResponseTrailers(List<Header> headers, boolean moreTrailers) implements HttpEvent, SendEvent {
    public static final String TYPE = "http.response.trailers";

    public HttpResponseTrailers {
        headers = List.copyOf(headers);
    }

    /** The final (or only) trailers event. */
    public HttpResponseTrailers(List<Header> headers) {
        this(headers, false);
    }

    @Override
    public String asgiType() {
        return TYPE;
    }
}

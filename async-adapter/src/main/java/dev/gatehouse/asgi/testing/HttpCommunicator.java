package dev.gatehouse.asgi.testing;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpRequest;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpResponseTrailers;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.SendEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP request through an application, the way a client sees it (after asgiref's {@code
 * HttpCommunicator}): send the body as one {@code http.request}, collect the response.
 */
public final class HttpCommunicator {

    /** The response as the client receives it: body chunks joined, trailers merged. */
    public record Response(int status, List<Header> headers, byte[] body, List<Header> trailers) {
        public Response {
            headers = List.copyOf(headers);
            body = body.clone();
            trailers = List.copyOf(trailers);
        }

        @Override
        public byte[] body() {
            return body.clone();
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r
                    && status == r.status
                    && headers.equals(r.headers)
                    && Arrays.equals(body, r.body)
                    && trailers.equals(r.trailers);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * status + headers.hashCode()) + Arrays.hashCode(body)) + trailers.hashCode();
        }

        @Override
        public String toString() {
            return "Response{status=" + status + ", headers=" + headers + ", body=" + bodyText() + ", trailers="
                    + trailers + "}";
        }
    }

    private HttpCommunicator() {}

    /** Runs {@code application} for {@code scope} with {@code body} and returns its response. */
    public static Response exchange(AsgiApplication application, HttpScope scope, byte[] body, Duration timeout)
            throws TimeoutException, InterruptedException {
        ApplicationCommunicator communicator = ApplicationCommunicator.start(application, scope);
        communicator.sendInput(new HttpRequest(body));
        Response response = collect(communicator, timeout);
        communicator.waitFor(timeout);
        return response;
    }

    /**
     * Reads {@code http.response.start}, the body and any trailers from {@code communicator} until
     * the response is complete; the input is up to the caller.
     */
    public static Response collect(ApplicationCommunicator communicator, Duration timeout)
            throws TimeoutException, InterruptedException {
        HttpResponseStart start = expect(communicator, timeout, HttpResponseStart.class);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpResponseBody chunk;
        do {
            chunk = expect(communicator, timeout, HttpResponseBody.class);
            body.writeBytes(chunk.body());
        } while (chunk.moreBody());
        List<Header> trailers = new ArrayList<>();
        if (start.trailers()) {
            HttpResponseTrailers part;
            do {
                part = expect(communicator, timeout, HttpResponseTrailers.class);
                trailers.addAll(part.headers());
            } while (part.moreTrailers());
        }
        return new Response(start.status(), start.headers(), body.toByteArray(), trailers);
    }

    private static <T extends SendEvent> T expect(ApplicationCommunicator communicator, Duration timeout, Class<T> type)
            throws TimeoutException, InterruptedException {
        SendEvent event = communicator.receiveOutput(timeout);
        if (!type.isInstance(event)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but the application sent " + event);
        }
        return type.cast(event);
    }
}

package dev.gatehouse.fastcgi.client;

import dev.gatehouse.fastcgi.protocol.EndRequest;
import dev.gatehouse.fastcgi.protocol.NameValuePair;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ResponseListener} that keeps everything: STDOUT and STDERR bytes, and the outcome as
 * a future of END_REQUEST that fails with the {@link FastCgiClientException}.
 */
class Collector implements ResponseListener {

    final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    final CompletableFuture<EndRequest> outcome = new CompletableFuture<>();

    @Override
    public boolean onStdout(BackendExchange exchange, ByteBuffer content) {
        synchronized (stdout) {
            copy(content, stdout);
        }
        return true;
    }

    @Override
    public void onStderr(BackendExchange exchange, ByteBuffer content) {
        synchronized (stderr) {
            copy(content, stderr);
        }
    }

    static void copy(ByteBuffer content, ByteArrayOutputStream to) {
        byte[] bytes = new byte[content.remaining()];
        content.get(bytes);
        to.writeBytes(bytes);
    }

    @Override
    public void onComplete(BackendExchange exchange, EndRequest end) {
        outcome.complete(end);
    }

    @Override
    public void onFailure(BackendExchange exchange, FastCgiClientException failure) {
        outcome.completeExceptionally(failure);
    }

    /** The END_REQUEST, waiting at most {@code seconds}. */
    EndRequest await(int seconds) throws Exception {
        return outcome.get(seconds, TimeUnit.SECONDS);
    }

    /** The failure, waiting at most {@code seconds}; fails the test if the exchange completed. */
    FastCgiClientException failure(int seconds) throws Exception {
        try {
            EndRequest end = outcome.get(seconds, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + end + " and " + text());
        } catch (ExecutionException e) {
            return (FastCgiClientException) e.getCause();
        }
    }

    String text() {
        synchronized (stdout) {
            return stdout.toString(StandardCharsets.UTF_8);
        }
    }

    /** The response body: STDOUT after the CGI header block. */
    String body() {
        String all = text();
        int end = all.indexOf("\r\n\r\n");
        return end < 0 ? all : all.substring(end + 4);
    }

    /** The CGI header block's headers, names lower-cased. */
    Map<String, String> headers() {
        String all = text();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line :
                all.substring(0, Math.max(0, all.indexOf("\r\n\r\n"))).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).toLowerCase(),
                        line.substring(colon + 1).strip());
            }
        }
        return headers;
    }

    /** CGI/1.1 meta-variables for running {@code script} with php-fpm. */
    static List<NameValuePair> params(Path script, String method, String query, NameValuePair... extra) {
        List<NameValuePair> params = new ArrayList<>(List.of(
                new NameValuePair("GATEWAY_INTERFACE", "CGI/1.1"),
                new NameValuePair("REQUEST_METHOD", method),
                new NameValuePair("SCRIPT_FILENAME", script.toString()),
                new NameValuePair("SCRIPT_NAME", "/" + script.getFileName()),
                new NameValuePair("QUERY_STRING", query),
                new NameValuePair("SERVER_PROTOCOL", "HTTP/1.1"),
                new NameValuePair("SERVER_NAME", "localhost"),
                new NameValuePair("SERVER_PORT", "80"),
                new NameValuePair("REMOTE_ADDR", "127.0.0.1")));
        params.addAll(List.of(extra));
        return params;
    }
}

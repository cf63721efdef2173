package dev.gatehouse.sample.asgi;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.HttpRequest;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.Loops;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.Scope;
import dev.gatehouse.asgi.Send;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Upload hashing: a POST's body is hashed with SHA-256 as it streams in, and the answer gives the
 * digest and the byte count. The body is the data itself (any content type), or a {@code
 * multipart/form-data} form, whose file parts are each hashed (plain fields are skipped). A GET
 * shows an upload form.
 *
 * <p>Memory stays flat whatever the size: each {@code http.request} chunk is hashed and dropped
 * before the next is received (see {@link BodyHasher} and {@link MultipartParser}).
 *
 * <p>The answer is {@code text/plain}, one line per digest in the style of {@code sha256sum}
 * with the byte count added ({@code <sha256>  <bytes>  <filename>}, {@code -} for a raw body), or
 * JSON with {@code ?format=json} or {@code Accept: application/json}: {@code
 * {"sha256":"…","bytes":N}} for a raw body, {@code {"files":[{"field":…,"filename":…,
 * "sha256":…,"bytes":N}]}} for a form. A malformed form is answered 400 with the reason (and
 * logged) once the whole body has been read, so that a client still sending sees the answer.
 */
public final class Sha256App implements AsgiApplication {
    private static final System.Logger LOG = System.getLogger(Sha256App.class.getName());

    private final byte[] page = Responses.resource(Sha256App.class, "sha256.html");

    @Override
    public CompletionStage<Void> handle(Scope scope, Receive receive, Send send) {
        if (!(scope instanceof HttpScope http)) {
            return Responses.httpOnly(scope, receive, send);
        }
        return switch (http.method()) {
            case "GET", "HEAD" -> Responses.html(send, page);
            case "POST" -> hash(http, receive, send);
            default -> Responses.methodNotAllowed(send, http.method(), "GET, HEAD, POST");
        };
    }

    private static CompletionStage<Void> hash(HttpScope scope, Receive receive, Send send) {
        boolean json = wantsJson(scope);
        BodyHasher hasher;
        String[] error = {null};
        try {
            hasher = BodyHasher.forContentType(Responses.header(scope, "content-type"));
        } catch (MultipartParser.MalformedException e) {
            hasher = null;
            error[0] = e.getMessage();
        }
        BodyHasher body = hasher;
        CompletionStage<Void> exchange = Loops.repeat(() -> receive.receive().thenCompose(event -> {
                    if (!(event instanceof HttpRequest chunk)) {
                        // http.disconnect: the client went away before the end of its body
                        return CompletableFuture.failedFuture(new ClientDisconnectedException(HttpResponseStart.TYPE));
                    }
                    if (error[0] == null) {
                        try {
                            body.update(chunk.body());
                        } catch (MultipartParser.MalformedException e) {
                            error[0] = e.getMessage(); // the rest of the body is read and dropped
                        }
                    }
                    return CompletableFuture.completedFuture(chunk.moreBody());
                }))
                .thenCompose(v -> {
                    List<BodyHasher.Result> results = null;
                    if (error[0] == null) {
                        try {
                            results = body.finish();
                        } catch (MultipartParser.MalformedException e) {
                            error[0] = e.getMessage();
                        }
                    }
                    if (error[0] != null) {
                        LOG.log(Level.INFO, "sha256: 400, the form is malformed: {0}", error[0]);
                        return json
                                ? Responses.json(send, 400, "{\"error\":" + Json.quote(error[0]) + "}\n")
                                : Responses.text(send, 400, "400 malformed multipart/form-data: " + error[0] + "\n");
                    }
                    return json
                            ? Responses.json(send, 200, toJson(results, body.isMultipart()))
                            : Responses.text(send, 200, toText(results));
                });
        return Responses.endWhenClientGone(
                exchange, () -> LOG.log(Level.INFO, "sha256: the client went away during the upload"));
    }

    private static boolean wantsJson(HttpScope scope) {
        String accept = Responses.header(scope, "accept");
        return "json".equals(Query.param(scope.queryString(), "format"))
                || (accept != null && accept.contains("application/json"));
    }

    private static String toText(List<BodyHasher.Result> results) {
        if (results.isEmpty()) {
            return "no file in the form\n";
        }
        return results.stream()
                .map(r -> r.sha256() + "  " + r.bytes() + "  " + (r.filename() != null ? r.filename() : "-") + "\n")
                .collect(Collectors.joining());
    }

    private static String toJson(List<BodyHasher.Result> results, boolean multipart) {
        if (!multipart) {
            BodyHasher.Result raw = results.get(0);
            return "{\"sha256\":\"" + raw.sha256() + "\",\"bytes\":" + raw.bytes() + "}\n";
        }
        return results.stream()
                .map(r -> "{\"field\":" + (r.field() != null ? Json.quote(r.field()) : "null") + ",\"filename\":"
                        + Json.quote(r.filename()) + ",\"sha256\":\"" + r.sha256() + "\",\"bytes\":" + r.bytes() + "}")
                .collect(Collectors.joining(",", "{\"files\":[", "]}\n"));
    }
}

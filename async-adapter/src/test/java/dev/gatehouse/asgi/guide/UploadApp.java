package dev.gatehouse.asgi.guide;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpRequest;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.Loops;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.Scope;
import dev.gatehouse.asgi.Send;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;
import java.util.zip.CRC32C;

/**
 * The README's streaming example: reads a request body of any size chunk by chunk (at most
 * {@code readBufferSize} bytes in memory), then streams {@code count} lines back, each sent only
 * once the previous one was taken: backpressure both ways.
 */
public final class UploadApp implements AsgiApplication {
    @Override
    public CompletionStage<Void> handle(Scope scope, Receive receive, Send send) {
        CRC32C crc = new CRC32C();
        long[] total = {0};
        // receive until the last chunk; Loops.repeat keeps the stack flat however many chunks come
        CompletionStage<Void> received = Loops.repeat(() -> receive.receive().thenApply(event -> {
            HttpRequest chunk = (HttpRequest) event; // http.disconnect fails the cast: the loop ends
            crc.update(chunk.bodyBuffer());
            total[0] += chunk.body().length;
            return chunk.moreBody();
        }));
        int[] sent = {0};
        int count = 3;
        return received.thenCompose(
                        v -> send.send(new HttpResponseStart(200, Header.list("content-type", "text/plain"))))
                .thenCompose(v -> Loops.repeat(() -> {
                    sent[0]++;
                    String line = sent[0] == 1
                            ? total[0] + " bytes, crc32c " + HexFormat.of().toHexDigits((int) crc.getValue()) + "\n"
                            : "line " + sent[0] + "\n";
                    boolean more = sent[0] < count;
                    // the stage completes when the container took the chunk: the next waits for it
                    return send.send(new HttpResponseBody(line.getBytes(US_ASCII), more))
                            .thenApply(w -> more);
                }));
    }
}

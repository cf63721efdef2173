package dev.gatehouse.asgi.guide;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpRequest;
import dev.gatehouse.asgi.testing.ApplicationCommunicator;
import dev.gatehouse.asgi.testing.HttpCommunicator;
import dev.gatehouse.asgi.testing.Scopes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's unit tests of its example applications, quoted there as they stand here. */
class GuideAppsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void helloAnswersWithThePath() throws Exception {
        HttpCommunicator.Response response =
                HttpCommunicator.exchange(new HelloApp(), Scopes.http("GET", "/hello"), new byte[0], WAIT);
        assertEquals(200, response.status());
        assertEquals(Header.list("content-type", "text/plain; charset=utf-8"), response.headers());
        assertEquals("hello from /hello\n", response.bodyText());
    }

    @Test
    void uploadCountsABodySentInChunks() throws Exception {
        ApplicationCommunicator app = ApplicationCommunicator.start(new UploadApp(), Scopes.http("POST", "/upload"));
        app.sendInput(new HttpRequest("hello ".getBytes(UTF_8), true)); // more to come
        app.sendInput(new HttpRequest("world".getBytes(UTF_8))); // the last chunk
        HttpCommunicator.Response response = HttpCommunicator.collect(app, WAIT);
        app.waitFor(WAIT); // the application's stage completed, without failure
        assertEquals("11 bytes, crc32c c99465aa\nline 2\nline 3\n", response.bodyText());
    }
}

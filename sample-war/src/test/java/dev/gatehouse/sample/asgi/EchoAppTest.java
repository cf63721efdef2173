package dev.gatehouse.sample.asgi;

import static dev.gatehouse.sample.asgi.TestScopes.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpRequest;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.testing.ApplicationCommunicator;
import dev.gatehouse.asgi.testing.HttpCommunicator;
import dev.gatehouse.asgi.testing.Scopes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EchoAppTest {
    private final EchoApp app = new EchoApp();

    @Test
    void getShowsTheForm() throws Exception {
        HttpCommunicator.Response response =
                HttpCommunicator.exchange(app, Scopes.http("GET", "/async/echo"), new byte[0], WAIT);
        assertEquals(200, response.status());
        assertEquals(
                Header.list("content-type", "text/html; charset=utf-8", "content-length", "" + response.body().length),
                response.headers());
        assertTrue(response.bodyText().contains("<form"), response.bodyText());
    }

    @Test
    void eachChunkIsEchoedBeforeTheNextIsReceivedWithTheContentType() throws Exception {
        ApplicationCommunicator client = ApplicationCommunicator.start(app, post("text/csv; charset=utf-8"));
        assertEquals(
                new HttpResponseStart(200, Header.list("content-type", "text/csv; charset=utf-8")),
                client.receiveOutput(WAIT));
        client.sendInput(new HttpRequest(bytes("a,b\n"), true));
        assertEquals(new HttpResponseBody(bytes("a,b\n"), true), client.receiveOutput(WAIT));
        client.sendInput(new HttpRequest(bytes("1,2\n"), true));
        assertEquals(new HttpResponseBody(bytes("1,2\n"), true), client.receiveOutput(WAIT));
        client.sendInput(new HttpRequest(bytes(""), false));
        assertEquals(new HttpResponseBody(bytes(""), false), client.receiveOutput(WAIT));
        client.waitFor(WAIT);
    }

    @Test
    void aClientThatDoesNotReadHoldsTheNextChunkBack() throws Exception {
        ApplicationCommunicator client = ApplicationCommunicator.start(app, post(null));
        assertEquals(
                new HttpResponseStart(200, Header.list("content-type", "application/octet-stream")),
                client.receiveOutput(WAIT));
        client.pauseOutput();
        client.sendInput(new HttpRequest(bytes("one"), true));
        assertEquals(new HttpResponseBody(bytes("one"), true), client.receiveOutput(WAIT));
        client.sendInput(new HttpRequest(bytes("two"), false));
        assertTrue(client.receiveNothing(Duration.ofMillis(200)), "echoed before the client took the last chunk");
        client.resumeOutput();
        assertEquals(new HttpResponseBody(bytes("two"), false), client.receiveOutput(WAIT));
        client.waitFor(WAIT);
    }

    @Test
    void aClientGoneMidBodyEndsTheApplicationNormally() throws Exception {
        ApplicationCommunicator client = ApplicationCommunicator.start(app, post(null));
        client.receiveOutput(WAIT);
        client.sendInput(new HttpRequest(bytes("partial"), true));
        client.receiveOutput(WAIT);
        client.disconnect();
        client.waitFor(WAIT);
        assertTrue(client.receiveNothing(Duration.ofMillis(50)));
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        HttpCommunicator.Response response =
                HttpCommunicator.exchange(app, Scopes.http("PUT", "/async/echo"), bytes("x"), WAIT);
        assertEquals(405, response.status());
        assertTrue(response.headers().contains(Header.of("allow", "GET, HEAD, POST")), response.toString());
    }

    @Test
    void aLargeBodyComesBackWhole() throws Exception {
        byte[] chunk = new byte[65536];
        ApplicationCommunicator client = ApplicationCommunicator.start(app, post(null));
        client.receiveOutput(WAIT);
        for (int i = 0; i < 100; i++) {
            chunk[0] = (byte) i;
            client.sendInput(new HttpRequest(chunk, i < 99));
            HttpResponseBody echoed = (HttpResponseBody) client.receiveOutput(WAIT);
            assertArrayEquals(chunk, echoed.body());
            assertEquals(i < 99, echoed.moreBody());
        }
        client.waitFor(WAIT);
        assertTrue(client.receiveNothing(Duration.ZERO), "nothing after the last chunk");
    }

    private static dev.gatehouse.asgi.HttpScope post(String contentType) {
        return TestScopes.http(
                "POST",
                "/async/echo",
                "",
                contentType == null ? List.of() : Header.list("content-type", contentType),
                Map.of());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

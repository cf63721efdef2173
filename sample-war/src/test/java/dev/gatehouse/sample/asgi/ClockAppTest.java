package dev.gatehouse.sample.asgi;

import static dev.gatehouse.sample.asgi.TestScopes.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpRequest;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.testing.ApplicationCommunicator;
import dev.gatehouse.asgi.testing.HttpCommunicator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClockAppTest {
    private static final Pattern EVENT = Pattern.compile("id: (\\d+)\ndata: (\\S+)\n\n");

    private final ClockApp app = new ClockApp(Duration.ofMillis(20));
    private TestScopes.Lifespan lifespan;

    @BeforeEach
    void start() throws Exception {
        lifespan = TestScopes.Lifespan.start(app);
    }

    @AfterEach
    void stop() throws Exception {
        if (lifespan != null) {
            lifespan.shutdown();
        }
    }

    @Test
    void streamsCountEventsWithIdAndServerTimeThenAnEndEvent() throws Exception {
        ApplicationCommunicator client = stream("stream&count=3");
        assertEquals(
                new HttpResponseStart(
                        200,
                        Header.list("content-type", "text/event-stream; charset=utf-8", "cache-control", "no-cache")),
                client.receiveOutput(WAIT));
        for (int id = 1; id <= 3; id++) {
            HttpResponseBody event = (HttpResponseBody) client.receiveOutput(WAIT);
            assertTrue(event.moreBody());
            Matcher m = EVENT.matcher(text(event));
            assertTrue(m.matches(), text(event));
            assertEquals(Integer.toString(id), m.group(1));
            OffsetDateTime time = OffsetDateTime.parse(m.group(2));
            assertTrue(Duration.between(time, OffsetDateTime.now()).abs().toSeconds() < 5, m.group(2));
        }
        HttpResponseBody end = (HttpResponseBody) client.receiveOutput(WAIT);
        assertEquals("event: end\ndata: 3 events sent\n\n", text(end));
        assertFalse(end.moreBody());
        client.waitFor(WAIT);
    }

    @Test
    void stopsWhenTheClientDisconnects() throws Exception {
        ApplicationCommunicator client = stream("stream");
        client.receiveOutput(WAIT);
        client.receiveOutput(WAIT);
        client.receiveOutput(WAIT);
        client.disconnect();
        client.waitFor(WAIT);
        assertEquals("DISCONNECTED", client.protocolState());
    }

    @Test
    void endsWhenTheServerStops() throws Exception {
        ApplicationCommunicator client = stream("stream&count=600");
        client.receiveOutput(WAIT);
        client.receiveOutput(WAIT);
        lifespan.shutdown();
        lifespan = null;
        HttpResponseBody last;
        do {
            last = (HttpResponseBody) client.receiveOutput(WAIT);
        } while (last.moreBody());
        assertEquals("event: end\ndata: the server is stopping\n\n", text(last));
        client.waitFor(WAIT);
    }

    @Test
    void aBadCountIs400() throws Exception {
        for (String query : List.of("stream&count=0", "stream&count=601", "stream&count=x")) {
            HttpCommunicator.Response response =
                    HttpCommunicator.exchange(app, scope(query, lifespan.state()), new byte[0], WAIT);
            assertEquals(400, response.status(), query);
            assertEquals("400 count must be a number from 1 to 600\n", response.bodyText());
        }
    }

    @Test
    void withoutLifespanTheStreamIs503() throws Exception {
        HttpCommunicator.Response response =
                HttpCommunicator.exchange(app, scope("stream", Map.of()), new byte[0], WAIT);
        assertEquals(503, response.status());
    }

    @Test
    void withoutStreamItIsThePage() throws Exception {
        HttpCommunicator.Response response =
                HttpCommunicator.exchange(app, scope("", lifespan.state()), new byte[0], WAIT);
        assertEquals(200, response.status());
        assertTrue(response.bodyText().contains("new EventSource("), response.bodyText());
    }

    private ApplicationCommunicator stream(String query) {
        ApplicationCommunicator client = ApplicationCommunicator.start(app, scope(query, lifespan.state()));
        client.sendInput(new HttpRequest(new byte[0]));
        return client;
    }

    private static HttpScope scope(String query, Map<String, Object> state) {
        return TestScopes.http("GET", "/async/clock", query, List.of(), state);
    }

    private static String text(HttpResponseBody body) {
        return new String(body.body(), StandardCharsets.UTF_8);
    }
}

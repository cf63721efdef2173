package dev.gatehouse.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.servlet.AsgiServlet;
import dev.gatehouse.it.asgi.Probe;
import dev.gatehouse.it.asgi.WebSocketApps;
import dev.gatehouse.it.support.RawHttp;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import dev.gatehouse.it.support.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * AsgiServlet's WebSocket bridge on a real container, with a {@code java.net.http} client: the
 * handshake answers (accept, subprotocol, refusal, denial response), messages both ways, close
 * codes both ways, failures, limits and send backpressure. Every wait is bounded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class AsgiWebSocketContract {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int FLOOD_COUNT = 64;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private ServletContainer container;

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void deploy() {
        container = ServletContainer.servlets(
                kind(),
                "/ws",
                null,
                List.of(
                        asgi("echo", WebSocketApps.ECHO, "/echo"),
                        asgi("small", WebSocketApps.ECHO, "/small").param("webSocketMaxMessageSize", "65536"),
                        asgi("close", WebSocketApps.CLOSE, "/close"),
                        asgi("refuse", WebSocketApps.REFUSE, "/refuse"),
                        asgi("deny", WebSocketApps.DENY, "/deny"),
                        asgi("fail", WebSocketApps.FAIL, "/fail"),
                        asgi("fail-connect", WebSocketApps.FAIL_CONNECT, "/fail-connect"),
                        asgi("flood", WebSocketApps.flood(FLOOD_COUNT), "/flood"),
                        asgi("scope", WebSocketApps.SCOPE, "/scope/*")));
    }

    @AfterAll
    void undeploy() {
        container.close();
    }

    private static ServletSpec asgi(String name, AsgiApplication app, String mapping) {
        return ServletSpec.instance(name, new AsgiServlet(app), mapping);
    }

    private URI ws(String path) {
        URI uri = container.uri(path);
        return URI.create("ws" + uri.toString().substring("http".length()));
    }

    private static String token() {
        return UUID.randomUUID().toString();
    }

    private WsClient connect(String path, String... subprotocols) throws Exception {
        return WsClient.connect(http, ws(path), true, subprotocols);
    }

    @Test
    void echoesTextAndBinary() throws Exception {
        WsClient client = connect("echo");
        client.socket().sendText("hello, ümlaut €", true).get();
        assertEquals(new WsClient.Text("hello, ümlaut €"), client.next(WAIT));
        byte[] bytes = {0, 1, 2, (byte) 0xff};
        client.socket().sendBinary(ByteBuffer.wrap(bytes), true).get();
        assertArrayEquals(bytes, ((WsClient.Binary) client.next(WAIT)).bytes());
        client.socket().sendClose(WebSocket.NORMAL_CLOSURE, "").get();
        assertEquals(new WsClient.Closed(1000, ""), client.next(WAIT));
    }

    @Test
    void echoesA256KiBMessageAndJoinsFragments() throws Exception {
        WsClient client = connect("echo");
        byte[] big = new byte[256 * 1024];
        new Random(7).nextBytes(big);
        client.socket().sendBinary(ByteBuffer.wrap(big), true).get();
        assertArrayEquals(big, ((WsClient.Binary) client.next(WAIT)).bytes());
        // one message in three frames (RFC 6455 §5.4) arrives as one websocket.receive
        client.socket().sendBinary(ByteBuffer.wrap(big, 0, 1000), false).get();
        client.socket().sendBinary(ByteBuffer.wrap(big, 1000, 100_000), false).get();
        client.socket()
                .sendBinary(ByteBuffer.wrap(big, 101_000, big.length - 101_000), true)
                .get();
        assertArrayEquals(big, ((WsClient.Binary) client.next(WAIT)).bytes());
        client.socket().sendText("frag", false).get();
        client.socket().sendText("ment", false).get();
        client.socket().sendText("ed", true).get();
        assertEquals(new WsClient.Text("fragmented"), client.next(WAIT));
        client.socket().sendClose(WebSocket.NORMAL_CLOSURE, "").get();
    }

    @Test
    void negotiatesTheSubprotocolTheApplicationChose() throws Exception {
        WsClient client = connect("echo", "chat.v1", WebSocketApps.CHAT);
        assertEquals(WebSocketApps.CHAT, client.socket().getSubprotocol());
        client.socket().sendClose(WebSocket.NORMAL_CLOSURE, "").get();
        WsClient none = connect("echo", "other");
        assertEquals("", none.socket().getSubprotocol());
        none.socket().sendClose(WebSocket.NORMAL_CLOSURE, "").get();
    }

    @Test
    void acceptHeadersReachTheClient() throws Exception {
        // java.net.http does not expose the 101's headers: read it raw
        try (RawHttp raw = RawHttp.connect(container.base(), WAIT)) {
            raw.write(upgradeRequest("echo"));
            RawHttp.Head head = raw.readHead();
            assertEquals(101, head.status());
            assertEquals("yes", head.header("x-accepted"));
            assertNull(head.header("sec-websocket-protocol"));
        }
    }

    @Test
    void applicationCloseCodeAndReasonReachTheClient() throws Exception {
        WsClient client = connect("close");
        assertEquals(new WsClient.Text("hello"), client.next(WAIT));
        assertEquals(new WsClient.Closed(4001, "bye"), client.next(WAIT));
    }

    @Test
    void clientCloseReachesTheApplication() throws Exception {
        String t = token();
        WsClient client = connect("echo?t=" + t);
        client.socket().sendClose(4002, "done here").get();
        assertEquals("4002 done here", Probe.awaitRecord(t + ".disconnect", WAIT));
        assertEquals(new WsClient.Closed(4002, "done here"), client.next(WAIT));
    }

    @Test
    void droppedConnectionIs1006() throws Exception {
        String t = token();
        RawHttp raw = RawHttp.connect(container.base(), WAIT);
        raw.write(upgradeRequest("echo?t=" + t));
        assertEquals(101, raw.readHead().status());
        raw.close();
        assertEquals("1006 ", Probe.awaitRecord(t + ".disconnect", WAIT).replaceAll("^1006 .*", "1006 "));
    }

    @Test
    void closeBeforeAcceptIs403() throws Exception {
        String t = token();
        ExecutionException e =
                org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> connect("refuse?t=" + t));
        WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(403, refused.getResponse().statusCode());
        assertEquals("websocket.disconnect 1006", Probe.awaitRecord(t, WAIT));
    }

    @Test
    void denialResponseIsSentAsIs() throws Exception {
        RawHttp.Response response = RawHttp.exchange(container.base(), upgradeRequest("deny"), false, WAIT);
        assertEquals(418, response.head().status());
        assertEquals("teapot", response.head().header("x-denied"));
        assertEquals("no sockets for you\n", response.text());
    }

    @Test
    void failureBeforeAcceptIs500() throws Exception {
        RawHttp.Response response = RawHttp.exchange(container.base(), upgradeRequest("fail-connect"), false, WAIT);
        assertEquals(500, response.head().status());
    }

    @Test
    void withoutJakartaWebSocketTheUpgradeIs501() throws Exception {
        try (ServletContainer bare = ServletContainer.servletsWithoutWebSocket(
                kind(), "/ws", List.of(asgi("echo", WebSocketApps.ECHO, "/echo")))) {
            RawHttp.Response response = RawHttp.exchange(bare.base(), upgradeRequest("echo"), false, WAIT);
            assertEquals(501, response.head().status());
            assertTrue(response.text().contains("WebSocket is not enabled"), response.text());
        }
    }

    @Test
    void badHandshakeIs400() throws Exception {
        byte[] post = ("POST " + container.base().getPath() + "echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Upgrade: websocket\r\nConnection: close, Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nContent-Length: 0\r\n\r\n")
                .getBytes(US_ASCII);
        RawHttp.Response response = RawHttp.exchange(container.base(), post, false, WAIT);
        assertEquals(400, response.head().status());
        assertTrue(response.text().contains("must be a GET"), response.text());
    }

    @Test
    void applicationFailureClosesWith1011() throws Exception {
        WsClient client = connect("fail");
        client.socket().sendText("go", true).get();
        WsClient.Closed closed = (WsClient.Closed) client.next(WAIT);
        assertEquals(1011, closed.code());
    }

    @Test
    void oversizedMessageClosesWith1009() throws Exception {
        String t = token();
        WsClient client = connect("small?t=" + t);
        client.socket().sendText("x".repeat(60_000), true).get();
        assertEquals(60_000, ((WsClient.Text) client.next(WAIT)).text().length());
        // the server may close while the client is still writing the 100 kB: the send may then fail
        client.socket()
                .sendBinary(ByteBuffer.wrap(new byte[100_000]), true)
                .handle((socket, error) -> null)
                .get();
        assertTrue(Probe.awaitRecord(t + ".disconnect", WAIT).startsWith("1009 "));
        WsClient.Event event = client.next(WAIT);
        if (event instanceof WsClient.Closed closed) {
            assertEquals(1009, closed.code());
        } else {
            // the close frame can be lost to a reset when the server closes with unread input
            assertInstanceOf(WsClient.Failed.class, event);
        }
    }

    /**
     * A client that reads nothing: the application's send stages stop completing once the TCP
     * buffers are full (the bridge holds at most the one message in flight), and all complete
     * once the client reads again.
     */
    @Test
    void sendStagesWaitForASlowClient() throws Exception {
        String t = token();
        WsClient client = WsClient.connect(http, ws("flood?t=" + t), false);
        long stalled = waitUntilStable(Probe.counter(t + ".sent")::get);
        long bufferedBytes = stalled * WebSocketApps.FLOOD_MESSAGE;
        System.out.printf(
                "%s: while the client reads nothing, %d of %d sends completed (%d KiB in socket buffers)%n",
                container, stalled, FLOOD_COUNT, bufferedBytes / 1024);
        assertTrue(stalled < FLOOD_COUNT / 2, "sends kept completing: " + stalled);
        assertEquals(1, Probe.counter(t + ".inflight").get(), "more than one send in flight");
        client.request(Long.MAX_VALUE);
        assertEquals("done", Probe.awaitRecord(t, WAIT));
        assertEquals(FLOOD_COUNT, Probe.counter(t + ".sent").get());
        for (int i = 0; i < FLOOD_COUNT; i++) {
            assertEquals(WebSocketApps.FLOOD_MESSAGE, ((WsClient.Binary) client.next(WAIT)).bytes().length);
        }
        client.socket().sendClose(WebSocket.NORMAL_CLOSURE, "").get();
    }

    @Test
    void scopeCarriesTheHandshakeAndTheLifespanState() throws Exception {
        WsClient client = WsClient.connect(http, ws("scope/a%20b?x=1"), true, "p1", "p2");
        WsClient.Text text = (WsClient.Text) client.next(WAIT);
        assertEquals(
                "type=websocket\nscheme=ws\npath=/ws/scope/a b\nroot_path=/ws/scope\nquery_string=x=1\n"
                        + "subprotocols=[p1, p2]\nclient=127.0.0.1\nstate={greeting=hello from startup}\n"
                        + "x-test=[one]",
                text.text());
        assertEquals(new WsClient.Closed(1000, ""), client.next(WAIT));
    }

    @Test
    void noThreadsLeakOverAHundredConnections() throws Exception {
        // warm-up: the containers' pools grow to what sequential connections need
        for (int i = 0; i < 30; i++) {
            cycle();
        }
        int before = Thread.activeCount();
        for (int i = 0; i < 100; i++) {
            cycle();
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        int after = Thread.activeCount();
        while (after > before + 4 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            after = Thread.activeCount();
        }
        System.out.printf("%s: threads before %d, after 100 connections %d%n", container, before, after);
        assertTrue(after <= before + 4, "threads " + before + " -> " + after);
    }

    private void cycle() throws Exception {
        WsClient client = connect("echo");
        client.socket().sendText("ping", true).get();
        assertEquals(new WsClient.Text("ping"), client.next(WAIT));
        client.socket().sendClose(WebSocket.NORMAL_CLOSURE, "").get();
        assertEquals(new WsClient.Closed(1000, ""), client.next(WAIT));
    }

    private static long waitUntilStable(java.util.function.LongSupplier value) throws InterruptedException {
        long last = -1;
        long now = value.getAsLong();
        for (int i = 0; i < 50 && now != last; i++) {
            Thread.sleep(300);
            last = now;
            now = value.getAsLong();
        }
        Thread.sleep(500);
        assertEquals(now, value.getAsLong(), "sends still completing");
        return now;
    }

    private byte[] upgradeRequest(String target) {
        return ("GET " + container.base().getPath() + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                .getBytes(US_ASCII);
    }
}

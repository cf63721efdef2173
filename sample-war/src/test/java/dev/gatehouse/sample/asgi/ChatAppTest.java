package dev.gatehouse.sample.asgi;

import static dev.gatehouse.sample.asgi.TestScopes.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.CloseCodes;
import dev.gatehouse.asgi.SendEvent;
import dev.gatehouse.asgi.WebSocketAccept;
import dev.gatehouse.asgi.WebSocketClose;
import dev.gatehouse.asgi.WebSocketConnect;
import dev.gatehouse.asgi.WebSocketDisconnect;
import dev.gatehouse.asgi.WebSocketReceive;
import dev.gatehouse.asgi.WebSocketSend;
import dev.gatehouse.asgi.testing.ApplicationCommunicator;
import dev.gatehouse.asgi.testing.HttpCommunicator;
import dev.gatehouse.asgi.testing.Scopes;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChatAppTest {
    private final ChatApp app = new ChatApp();
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
    void messagesReachEveryoneWithTheSendersNickAndJoinsAndLeavesAreAnnounced() throws Exception {
        ApplicationCommunicator ada = join("nick=Ada");
        assertEquals(text("{\"type\":\"join\",\"nick\":\"Ada\",\"members\":1}"), ada.receiveOutput(WAIT));
        ApplicationCommunicator bob = join("nick=Bob%20%3Cb%3E");
        String bobJoined = "{\"type\":\"join\",\"nick\":\"Bob <b>\",\"members\":2}";
        assertEquals(text(bobJoined), ada.receiveOutput(WAIT));
        assertEquals(text(bobJoined), bob.receiveOutput(WAIT));

        ada.sendInput(WebSocketReceive.ofText("hi \"all\" <i>"));
        String said = "{\"type\":\"message\",\"nick\":\"Ada\",\"text\":\"hi \\\"all\\\" <i>\"}";
        assertEquals(text(said), ada.receiveOutput(WAIT));
        assertEquals(text(said), bob.receiveOutput(WAIT));

        bob.sendInput(new WebSocketDisconnect(CloseCodes.GOING_AWAY));
        bob.waitFor(WAIT);
        assertEquals(
                text("{\"type\":\"leave\",\"nick\":\"Bob <b>\",\"members\":1,\"reason\":\"left\"}"),
                ada.receiveOutput(WAIT));
    }

    @Test
    void aNickIsGivenWhenNoneIsAsked() throws Exception {
        ApplicationCommunicator guest = join("");
        assertEquals(text("{\"type\":\"join\",\"nick\":\"guest-1\",\"members\":1}"), guest.receiveOutput(WAIT));
    }

    @Test
    void aClientThatDoesNotReadIsClosedWith1008AndItsQueueIsBounded() throws Exception {
        ApplicationCommunicator ada = join("nick=Ada");
        ApplicationCommunicator slow = join("nick=Slow");
        ada.receiveOutput(WAIT);
        ada.receiveOutput(WAIT);
        slow.receiveOutput(WAIT); // its join notice
        slow.pauseOutput();
        // m0 is the send in flight, never completed; m1..m32 wait in the queue; m33 finds it full
        for (int i = 0; i <= ChatMember.MAX_QUEUED + 1; i++) {
            ada.sendInput(WebSocketReceive.ofText("m" + i));
            assertEquals(
                    text("{\"type\":\"message\",\"nick\":\"Ada\",\"text\":\"m" + i + "\"}"), ada.receiveOutput(WAIT));
        }
        assertEquals(
                text("{\"type\":\"leave\",\"nick\":\"Slow\",\"members\":1,\"reason\":\"too slow\"}"),
                ada.receiveOutput(WAIT));
        assertEquals(text("{\"type\":\"message\",\"nick\":\"Ada\",\"text\":\"m0\"}"), slow.receiveOutput(WAIT));
        assertTrue(slow.receiveNothing(Duration.ofMillis(100)), "nothing more was sent while it did not read");
        slow.resumeOutput();
        assertEquals(
                new WebSocketClose(CloseCodes.POLICY_VIOLATION, "too slow: 32 messages waiting"),
                slow.receiveOutput(WAIT));
        slow.sendInput(new WebSocketDisconnect(CloseCodes.POLICY_VIOLATION));
        slow.waitFor(WAIT);
        assertTrue(ada.receiveNothing(Duration.ofMillis(100)), "no second leave notice");
    }

    @Test
    void binaryAndOverlongMessagesCloseTheConnection() throws Exception {
        ApplicationCommunicator binary = join("nick=B");
        binary.receiveOutput(WAIT);
        binary.sendInput(WebSocketReceive.ofBytes(new byte[] {1, 2}));
        assertEquals(new WebSocketClose(CloseCodes.UNSUPPORTED_DATA, "text messages only"), binary.receiveOutput(WAIT));

        ApplicationCommunicator chatty = join("nick=C");
        chatty.receiveOutput(WAIT);
        chatty.sendInput(WebSocketReceive.ofText("x".repeat(ChatApp.MAX_MESSAGE_CHARS + 1)));
        assertEquals(new WebSocketClose(1009, "at most 1000 characters per message"), chatty.receiveOutput(WAIT));
        chatty.sendInput(WebSocketReceive.ofText("after the close"));
        assertTrue(chatty.receiveNothing(Duration.ofMillis(100)), "a closed member's messages are not broadcast");
    }

    @Test
    void shutdownClosesEveryConnectionWith1001AndRefusesNewOnes() throws Exception {
        ApplicationCommunicator ada = join("nick=Ada");
        ada.receiveOutput(WAIT);
        lifespan.shutdown();
        assertEquals(new WebSocketClose(CloseCodes.GOING_AWAY, "the server is shutting down"), ada.receiveOutput(WAIT));

        ApplicationCommunicator late = ApplicationCommunicator.start(app, TestScopes.websocket("", lifespan.state()));
        lifespan = null;
        late.sendInput(new WebSocketConnect());
        assertEquals(new WebSocketClose(), late.receiveOutput(WAIT)); // before accept: HTTP 403
        late.waitFor(WAIT);
    }

    @Test
    void withoutLifespanConnectionsAreRefused() throws Exception {
        ApplicationCommunicator client = ApplicationCommunicator.start(app, TestScopes.websocket("", Map.of()));
        client.sendInput(new WebSocketConnect());
        assertEquals(new WebSocketClose(), client.receiveOutput(WAIT));
        assertEquals("DENIED", client.protocolState());
    }

    @Test
    void httpGetIsThePageWithTheClient() throws Exception {
        HttpCommunicator.Response response =
                HttpCommunicator.exchange(app, Scopes.http("GET", "/async/chat"), new byte[0], WAIT);
        assertEquals(200, response.status());
        assertTrue(response.bodyText().contains("new WebSocket("), response.bodyText());
    }

    private ApplicationCommunicator join(String query) throws Exception {
        ApplicationCommunicator client =
                ApplicationCommunicator.start(app, TestScopes.websocket(query, lifespan.state()));
        client.sendInput(new WebSocketConnect());
        assertEquals(new WebSocketAccept(), client.receiveOutput(WAIT));
        return client;
    }

    private static SendEvent text(String json) {
        return WebSocketSend.ofText(json);
    }
}

package dev.gatehouse.sample.asgi;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.CloseCodes;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.LifespanScope;
import dev.gatehouse.asgi.LifespanShutdownComplete;
import dev.gatehouse.asgi.LifespanStartupComplete;
import dev.gatehouse.asgi.Loops;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.ReceiveEvent;
import dev.gatehouse.asgi.Scope;
import dev.gatehouse.asgi.Send;
import dev.gatehouse.asgi.WebSocketAccept;
import dev.gatehouse.asgi.WebSocketClose;
import dev.gatehouse.asgi.WebSocketDisconnect;
import dev.gatehouse.asgi.WebSocketReceive;
import dev.gatehouse.asgi.WebSocketScope;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionStage;

/**
 * A WebSocket chat with one room: every accepted connection joins it ({@code ?nick=Ada}, else
 * {@code guest-N}), each text message is broadcast to everyone with its sender's nick, and joins
 * and leaves are announced (the messages are described in {@link ChatRoom}). A plain HTTP {@code
 * GET} shows the page with the JavaScript client.
 *
 * <p>Limits, each closing the connection with a code the page shows: a binary message 1003
 * (unsupported data), a message over {@value #MAX_MESSAGE_CHARS} characters 1009 (message too
 * big), a client that does not read its messages 1008 once {@value ChatMember#MAX_QUEUED} wait for
 * it (see {@link ChatMember}: memory per connection is bounded).
 *
 * <p>Lifespan: startup puts the {@link ChatRoom} into the shared {@code state}, where each
 * connection's scope finds it; shutdown closes every connection with 1001 (going away). A
 * connection arriving without a room (no lifespan, or after shutdown) is refused before accept,
 * which the server answers with 403.
 */
public final class ChatApp implements AsgiApplication {
    /** The key of the {@link ChatRoom} in the lifespan state. */
    static final String ROOM = "chat.room";

    static final int MAX_MESSAGE_CHARS = 1000;
    static final int MAX_NICK_CHARS = 24;

    /** RFC 6455 §7.4.1: a message too big to process. */
    private static final int MESSAGE_TOO_BIG = 1009;

    private static final System.Logger LOG = System.getLogger(ChatApp.class.getName());

    private final byte[] page = Responses.resource(ChatApp.class, "chat.html");

    @Override
    public CompletionStage<Void> handle(Scope scope, Receive receive, Send send) {
        if (scope instanceof LifespanScope lifespan) {
            return lifespan(lifespan, receive, send);
        } else if (scope instanceof WebSocketScope socket) {
            return connection(socket, receive, send);
        }
        HttpScope http = (HttpScope) scope;
        if (!http.method().equals("GET") && !http.method().equals("HEAD")) {
            return Responses.methodNotAllowed(send, http.method(), "GET, HEAD");
        }
        return Responses.html(send, page);
    }

    private static CompletionStage<Void> lifespan(LifespanScope scope, Receive receive, Send send) {
        return receive.receive()
                .thenCompose(startup -> {
                    scope.state().put(ROOM, new ChatRoom());
                    return send.send(new LifespanStartupComplete());
                })
                .thenCompose(v -> receive.receive())
                .thenCompose(shutdown -> {
                    ChatRoom room = (ChatRoom) scope.state().get(ROOM);
                    LOG.log(Level.INFO, "chat: shutting down, closing {0} connections", room.size());
                    room.close();
                    return send.send(new LifespanShutdownComplete());
                });
    }

    private static CompletionStage<Void> connection(WebSocketScope scope, Receive receive, Send send) {
        ChatRoom room = (ChatRoom) scope.state().get(ROOM);
        CompletionStage<Void> exchange = receive.receive().thenCompose(connect -> {
            if (room == null || room.isClosed()) {
                LOG.log(Level.WARNING, "chat: connection refused: the room is not open (did lifespan startup run?)");
                return send.send(new WebSocketClose()); // before accept: the handshake is refused with 403
            }
            return send.send(new WebSocketAccept()).thenCompose(accepted -> {
                ChatMember member = room.join(nick(scope), send);
                return Loops.repeat(() -> receive.receive().thenApply(event -> onEvent(room, member, event)));
            });
        });
        return Responses.endWhenClientGone(
                exchange, () -> LOG.log(Level.INFO, "chat: the client went away during the handshake"));
    }

    /** Handles one event from the client; false once the connection is over. */
    private static boolean onEvent(ChatRoom room, ChatMember member, ReceiveEvent event) {
        if (event instanceof WebSocketDisconnect) {
            room.leave(member, "left");
            return false;
        }
        WebSocketReceive message = (WebSocketReceive) event;
        if (!message.isText()) {
            member.close(CloseCodes.UNSUPPORTED_DATA, "text messages only");
            room.leave(member, "sent binary data");
        } else if (message.text().length() > MAX_MESSAGE_CHARS) {
            member.close(MESSAGE_TOO_BIG, "at most " + MAX_MESSAGE_CHARS + " characters per message");
            room.leave(member, "message too long");
        } else {
            room.say(member, message.text());
        }
        return true;
    }

    /**
     * The {@code nick} query parameter without control characters, at most {@value
     * #MAX_NICK_CHARS} characters; null when there is none (the room names a guest).
     */
    static String nick(WebSocketScope scope) {
        String nick = Query.param(scope.queryString(), "nick");
        if (nick == null) {
            return null;
        }
        StringBuilder clean = new StringBuilder();
        nick.strip()
                .codePoints()
                .filter(c -> !Character.isISOControl(c))
                .limit(MAX_NICK_CHARS)
                .forEach(clean::appendCodePoint);
        return clean.length() > 0 ? clean.toString() : null;
    }
}

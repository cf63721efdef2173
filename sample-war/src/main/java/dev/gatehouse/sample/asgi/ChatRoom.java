package dev.gatehouse.sample.asgi;

import dev.gatehouse.asgi.CloseCodes;
import dev.gatehouse.asgi.Send;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one chat room: its members, and messages to all of them. Lives in the lifespan state from
 * startup to shutdown, so every connection finds the same room. Thread-safe without a room-wide
 * lock: the member set is copy-on-write, and each member guards its own queue.
 *
 * <p>What members receive, as JSON text messages: {@code {"type":"join","nick":…,"members":N}},
 * {@code {"type":"message","nick":…,"text":…}}, {@code {"type":"leave","nick":…,"members":N,
 * "reason":…}}. Text is sent as the sender wrote it; the page escapes it for HTML.
 */
final class ChatRoom {
    /** In join order, so everyone sees a broadcast's effects in the same order; joins are rare next to messages. */
    private final Set<ChatMember> members = new CopyOnWriteArraySet<>();

    private final AtomicInteger guests = new AtomicInteger();
    private volatile boolean closed;

    /** Adds a member and tells everyone, the newcomer included. */
    ChatMember join(String nick, Send send) {
        ChatMember member = new ChatMember(nick != null ? nick : "guest-" + guests.incrementAndGet(), send);
        members.add(member);
        if (closed) { // closed while joining: close() may not have seen the new member
            members.remove(member);
            member.close(CloseCodes.GOING_AWAY, "the server is shutting down");
            return member;
        }
        broadcast("{\"type\":\"join\",\"nick\":" + Json.quote(member.nick()) + ",\"members\":" + members.size() + "}");
        return member;
    }

    /** A message from {@code from} to everyone; dropped if {@code from} has left. */
    void say(ChatMember from, String text) {
        if (!members.contains(from)) {
            return;
        }
        broadcast("{\"type\":\"message\",\"nick\":" + Json.quote(from.nick()) + ",\"text\":" + Json.quote(text) + "}");
    }

    /** Removes {@code member} (if still in the room) and tells the others why. */
    void leave(ChatMember member, String reason) {
        if (members.remove(member)) {
            broadcast("{\"type\":\"leave\",\"nick\":" + Json.quote(member.nick()) + ",\"members\":" + members.size()
                    + ",\"reason\":" + Json.quote(reason) + "}");
        }
    }

    boolean isClosed() {
        return closed;
    }

    int size() {
        return members.size();
    }

    /** Closes every member's socket with 1001 (going away) and takes no one new. */
    void close() {
        closed = true;
        for (ChatMember member : members) {
            members.remove(member);
            member.close(CloseCodes.GOING_AWAY, "the server is shutting down");
        }
    }

    /** Queues {@code json} for every member; a member that cannot take it leaves the room. */
    private void broadcast(String json) {
        for (ChatMember member : members) {
            switch (member.offer(json)) {
                case TOO_SLOW -> leave(member, "too slow");
                case CLOSED -> leave(member, "disconnected");
                case QUEUED -> {}
            }
        }
    }
}

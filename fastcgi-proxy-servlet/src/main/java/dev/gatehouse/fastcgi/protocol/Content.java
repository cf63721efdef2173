package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;

/** Helpers for the byte content the stream records share with their source buffer. */
final class Content {

    static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private Content() {}

    /** A read-only view of {@code content}'s remaining bytes, independent of its position. */
    static ByteBuffer view(ByteBuffer content) {
        Objects.requireNonNull(content, "content");
        return content.slice().asReadOnlyBuffer();
    }

    /** The record's text form: the type and request id and the content's length, not its bytes. */
    static String describe(String name, int requestId, ByteBuffer content) {
        return name + "[requestId=" + requestId + ", " + content.remaining() + " bytes]";
    }
}

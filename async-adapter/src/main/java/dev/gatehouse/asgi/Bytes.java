package dev.gatehouse.asgi;

import java.util.Objects;

/**
 * Byte-string helpers for the records that hold {@code byte[]}: ASGI byte strings are values, so
 * every record copies them in and out and compares them by content.
 */
final class Bytes {
    static final byte[] EMPTY = new byte[0];

    private Bytes() {}

    /**
     * A private copy of {@code bytes}; {@code field} names it in the message when it is null. An
     * empty array is shared rather than copied: nothing can change it.
     */
    static byte[] copy(byte[] bytes, String field) {
        return Objects.requireNonNull(bytes, field).length == 0 ? EMPTY : bytes.clone();
    }

    /** A private copy, or null for null (for optional byte strings such as {@code raw_path}). */
    static byte[] copyOrNull(byte[] bytes) {
        return bytes == null ? null : copy(bytes, null);
    }

    /**
     * Renders bytes as a Python-style byte literal ({@code b"a\x00"}), the way the ASGI spec writes
     * them, truncated after 64 bytes so a large body does not flood a log line.
     */
    static String render(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        int shown = Math.min(bytes.length, 64);
        StringBuilder out = new StringBuilder(shown + 8).append("b\"");
        for (int i = 0; i < shown; i++) {
            int b = bytes[i] & 0xff;
            if (b == '"' || b == '\\') {
                out.append('\\').append((char) b);
            } else if (b >= 0x20 && b < 0x7f) {
                out.append((char) b);
            } else {
                out.append(String.format("\\x%02x", b));
            }
        }
        out.append('"');
        if (bytes.length > shown) {
            out.append("...(").append(bytes.length).append(" bytes)");
        }
        return out.toString();
    }
}

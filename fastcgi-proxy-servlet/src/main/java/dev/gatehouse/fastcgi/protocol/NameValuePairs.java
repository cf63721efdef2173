package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The name-value pair encoding of FastCGI 1.0 §3.4, with limits. Each pair is the name's
 * length, the value's length, the name, the value; a length below 128 takes one byte, a longer
 * one four bytes, big-endian, with the high bit of the first byte set (so at most 2^31 - 1).
 * Names and values are Java strings encoded as UTF-8.
 *
 * <p>Two limits bound every pair list, encoded or decoded: {@code maxLength} for one name or one
 * value, in bytes, and {@code maxTotalLength} for the whole encoding. Decoding rejects
 * truncated, oversized and non-UTF-8 input with a {@link FastCgiProtocolException} naming the
 * pair (counted from 1) and the fault; encoding rejects oversized pairs, which come from our own
 * side, with an {@link IllegalArgumentException}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class NameValuePairs {

    /** The largest length the four-byte encoding holds: 31 bits. */
    public static final int MAX_ENCODABLE_LENGTH = 0x7FFF_FFFF;
    /** The default {@code maxLength}: 64 KiB for one name or value. */
    public static final int DEFAULT_MAX_LENGTH = 64 * 1024;
    /** The default {@code maxTotalLength}: 1 MiB for all pairs of a stream or record. */
    public static final int DEFAULT_MAX_TOTAL_LENGTH = 1024 * 1024;

    private static final int SHORT_LIMIT = 0x80;

    private final int maxLength;
    private final int maxTotalLength;

    /**
     * @param maxLength the longest name or value, in bytes, 1 to {@link #MAX_ENCODABLE_LENGTH}
     * @param maxTotalLength the longest encoding of a whole list, in bytes, at least 1
     */
    public NameValuePairs(int maxLength, int maxTotalLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1: " + maxLength);
        }
        if (maxTotalLength < 1) {
            throw new IllegalArgumentException("maxTotalLength must be at least 1: " + maxTotalLength);
        }
        this.maxLength = maxLength;
        this.maxTotalLength = maxTotalLength;
    }

    /** Limits of {@link #DEFAULT_MAX_LENGTH} and {@link #DEFAULT_MAX_TOTAL_LENGTH}. */
    public static NameValuePairs withDefaults() {
        return new NameValuePairs(DEFAULT_MAX_LENGTH, DEFAULT_MAX_TOTAL_LENGTH);
    }

    public int maxLength() {
        return maxLength;
    }

    public int maxTotalLength() {
        return maxTotalLength;
    }

    /**
     * Encodes {@code pairs}, in order, into a new buffer positioned at 0 with its limit at the end.
     *
     * @throws IllegalArgumentException if a name or value, or the whole, exceeds the limits
     */
    public ByteBuffer encode(List<NameValuePair> pairs) {
        List<byte[]> encoded = encodeEach(pairs);
        ByteBuffer out =
                ByteBuffer.allocate(encoded.stream().mapToInt(e -> e.length).sum());
        encoded.forEach(out::put);
        return out.flip();
    }

    /** Encodes each pair on its own, so that a writer can keep a pair within one record. */
    List<byte[]> encodeEach(List<NameValuePair> pairs) {
        List<byte[]> encoded = new ArrayList<>(pairs.size());
        long total = 0;
        for (NameValuePair pair : pairs) {
            byte[] name = pair.name().getBytes(StandardCharsets.UTF_8);
            byte[] value = pair.value().getBytes(StandardCharsets.UTF_8);
            checkEncodable(encoded.size() + 1, pair.name(), "name", name.length);
            checkEncodable(encoded.size() + 1, pair.name(), "value", value.length);
            ByteBuffer out = ByteBuffer.allocate(
                    lengthOfLength(name.length) + lengthOfLength(value.length) + name.length + value.length);
            putLength(out, name.length);
            putLength(out, value.length);
            encoded.add(out.put(name).put(value).array());
            total += out.capacity();
            if (total > maxTotalLength) {
                throw new IllegalArgumentException("name-value pairs exceed the limit of "
                        + maxTotalLength + " bytes at pair " + encoded.size() + " ("
                        + pair.name() + ")");
            }
        }
        return encoded;
    }

    private void checkEncodable(int index, String name, String part, int length) {
        if (length > maxLength) {
            throw new IllegalArgumentException("name-value pair " + index + " (" + name + "): "
                    + part + " length " + length + " exceeds the limit of " + maxLength
                    + " bytes");
        }
    }

    /** 1 for a length below 128, else 4 (§3.4). */
    static int lengthOfLength(int length) {
        return length < SHORT_LIMIT ? 1 : 4;
    }

    private static void putLength(ByteBuffer out, int length) {
        if (length < SHORT_LIMIT) {
            out.put((byte) length);
        } else {
            out.putInt(length | 0x8000_0000);
        }
    }

    /**
     * Decodes all of {@code content}'s remaining bytes as name-value pairs, leaving its position
     * at its limit.
     *
     * @throws FastCgiProtocolException if a length or the data is truncated, a length exceeds a
     *     limit, a name is empty, or a name or value is not UTF-8
     */
    public List<NameValuePair> decode(ByteBuffer content) throws FastCgiProtocolException {
        if (content.remaining() > maxTotalLength) {
            throw new FastCgiProtocolException("name-value pairs of " + content.remaining()
                    + " bytes exceed the limit of " + maxTotalLength + " bytes");
        }
        List<NameValuePair> pairs = new ArrayList<>();
        while (content.hasRemaining()) {
            pairs.add(decodePair(content, pairs.size() + 1));
        }
        return pairs;
    }

    private NameValuePair decodePair(ByteBuffer in, int index) throws FastCgiProtocolException {
        int nameLength = length(in, index, "name");
        int valueLength = length(in, index, "value");
        if ((long) nameLength + valueLength > in.remaining()) {
            throw new FastCgiProtocolException("name-value pair " + index + ": truncated: name "
                    + "and value need " + ((long) nameLength + valueLength) + " bytes, "
                    + in.remaining() + " remain");
        }
        if (nameLength == 0) {
            throw new FastCgiProtocolException("name-value pair " + index + ": empty name");
        }
        String name = text(in, nameLength, index, "name");
        return new NameValuePair(name, text(in, valueLength, index, "value"));
    }

    private int length(ByteBuffer in, int index, String part) throws FastCgiProtocolException {
        if (!in.hasRemaining()) {
            throw new FastCgiProtocolException("name-value pair " + index + ": truncated: " + part + " length missing");
        }
        int first = in.get(in.position()) & 0xFF;
        if (first >= SHORT_LIMIT && in.remaining() < 4) {
            throw new FastCgiProtocolException("name-value pair " + index + ": truncated: " + part + " length has "
                    + in.remaining() + " of 4 bytes");
        }
        int length = first < SHORT_LIMIT ? in.get() : in.getInt() & MAX_ENCODABLE_LENGTH;
        if (length > maxLength) {
            throw new FastCgiProtocolException("name-value pair " + index + ": " + part + " length " + length
                    + " exceeds the limit of " + maxLength + " bytes");
        }
        return length;
    }

    private static String text(ByteBuffer in, int length, int index, String part) throws FastCgiProtocolException {
        ByteBuffer bytes = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FastCgiProtocolException("name-value pair " + index + ": " + part + " is not valid UTF-8");
        }
    }
}

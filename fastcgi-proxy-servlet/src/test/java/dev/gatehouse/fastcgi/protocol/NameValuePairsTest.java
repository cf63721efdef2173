package dev.gatehouse.fastcgi.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Name-value pairs (FastCGI 1.0 §3.4): byte-exact vectors both ways, and rejected input. */
class NameValuePairsTest {

    private static final NameValuePairs DEFAULTS = NameValuePairs.withDefaults();

    /** {@code count} copies of {@code c}. */
    private static String repeat(char c, int count) {
        return String.valueOf(c).repeat(count);
    }

    /** {@code count} bytes of "76" (the letter v) as hex. */
    private static String vs(int count) {
        return "76".repeat(count);
    }

    record Vector(String name, List<NameValuePair> pairs, String hex) {}

    static Stream<Vector> vectors() {
        return Stream.of(
                new Vector("no pairs", List.of(), ""),
                new Vector(
                        "1-byte lengths (FCGI_NameValuePair11)",
                        List.of(new NameValuePair("A", "BC")),
                        "01 02 41 42 43"),
                new Vector("empty value", List.of(new NameValuePair("N", "")), "01 00 4E"),
                new Vector(
                        "127-byte value: the longest 1-byte length",
                        List.of(new NameValuePair("N", repeat('v', 127))),
                        "01 7F 4E" + vs(127)),
                new Vector(
                        "128-byte value: 4-byte length 0x80000080 (FCGI_NameValuePair14)",
                        List.of(new NameValuePair("N", repeat('v', 128))),
                        "01 80 00 00 80 4E" + vs(128)),
                new Vector(
                        "128-byte name (FCGI_NameValuePair41)",
                        List.of(new NameValuePair(repeat('v', 128), "x")),
                        "80 00 00 80 01" + vs(128) + "78"),
                new Vector(
                        "both 4-byte lengths (FCGI_NameValuePair44)",
                        List.of(new NameValuePair(repeat('v', 200), repeat('v', 300))),
                        "80 00 00 C8 80 00 01 2C" + vs(500)),
                new Vector(
                        "65536-byte value: all four length bytes in use",
                        List.of(new NameValuePair("N", repeat('v', 65536))),
                        "01 80 01 00 00 4E" + vs(65536)),
                new Vector(
                        "UTF-8 value: length counts bytes, not chars",
                        List.of(new NameValuePair("N", "\u00e9")),
                        "01 02 4E C3 A9"),
                new Vector(
                        "pairs in order",
                        List.of(new NameValuePair("A", "1"), new NameValuePair("B", "2")),
                        "01 01 41 31 01 01 42 32"));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void encodesToTheExactBytes(Vector v) {
        assertEquals(Bytes.hex(ByteBuffer.wrap(Bytes.hex(v.hex()))), Bytes.hex(DEFAULTS.encode(v.pairs())), v.name());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void decodesFromTheExactBytes(Vector v) throws FastCgiProtocolException {
        ByteBuffer content = ByteBuffer.wrap(Bytes.hex(v.hex()));
        assertEquals(v.pairs(), DEFAULTS.decode(content), v.name());
        assertFalse(content.hasRemaining(), "decode consumes all content");
    }

    @Test
    void decodesAFourByteLengthEvenBelow128() throws FastCgiProtocolException {
        // §3.4: lengths of 127 and less "can be" one byte; four bytes are unambiguous too
        assertEquals(
                List.of(new NameValuePair("A", "B")),
                DEFAULTS.decode(ByteBuffer.wrap(Bytes.hex("80 00 00 01 01 41 42"))));
    }

    record Malformed(String name, NameValuePairs limits, String hex, String message) {}

    static Stream<Malformed> malformed() {
        NameValuePairs small = new NameValuePairs(127, 1024);
        return Stream.of(
                new Malformed(
                        "value length missing", DEFAULTS, "01", "name-value pair 1: truncated: value length missing"),
                new Malformed(
                        "4-byte name length cut short",
                        DEFAULTS,
                        "80 00 00",
                        "name-value pair 1: truncated: name length has 3 of 4 bytes"),
                new Malformed(
                        "4-byte value length cut short",
                        DEFAULTS,
                        "01 80 00",
                        "name-value pair 1: truncated: value length has 2 of 4 bytes"),
                new Malformed(
                        "name and value cut short",
                        DEFAULTS,
                        "01 05 4E 61 62",
                        "name-value pair 1: truncated: name and value need 6 bytes, 3 remain"),
                new Malformed(
                        "second pair cut short",
                        DEFAULTS,
                        "01 01 41 42 02 00 43",
                        "name-value pair 2: truncated: name and value need 2 bytes, 1 remain"),
                new Malformed(
                        "value length over the limit",
                        small,
                        "01 80 00 00 80 4E",
                        "name-value pair 1: value length 128 exceeds the limit of 127 bytes"),
                new Malformed(
                        "name length 0x80000080 over the limit",
                        small,
                        "80 00 00 80 00",
                        "name-value pair 1: name length 128 exceeds the limit of 127 bytes"),
                new Malformed(
                        "the largest 31-bit length",
                        DEFAULTS,
                        "01 FF FF FF FF 4E",
                        "name-value pair 1: value length 2147483647 exceeds the limit of " + "65536 bytes"),
                new Malformed(
                        "total over the limit",
                        new NameValuePairs(127, 4),
                        "01 02 41 42 43",
                        "name-value pairs of 5 bytes exceed the limit of 4 bytes"),
                new Malformed("empty name", DEFAULTS, "00 01 41", "name-value pair 1: empty name"),
                new Malformed("name not UTF-8", DEFAULTS, "01 01 FF 41", "name-value pair 1: name is not valid UTF-8"),
                new Malformed(
                        "value not UTF-8", DEFAULTS, "01 02 4E C3 28", "name-value pair 1: value is not valid UTF-8"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void rejectsMalformedInputPrecisely(Malformed m) {
        FastCgiProtocolException e = assertThrows(
                FastCgiProtocolException.class, () -> m.limits().decode(ByteBuffer.wrap(Bytes.hex(m.hex()))), m.name());
        assertEquals(m.message(), e.getMessage(), m.name());
    }

    @Test
    void encodeRefusesANameOrValueOverTheLimit() {
        NameValuePairs limits = new NameValuePairs(127, 1024);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> limits.encode(
                        List.of(new NameValuePair("A", "1"), new NameValuePair("HTTP_COOKIE", repeat('c', 128)))));
        assertEquals(
                "name-value pair 2 (HTTP_COOKIE): value length 128 exceeds the limit of " + "127 bytes",
                e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> limits.encode(List.of(new NameValuePair("\u00e9".repeat(64), ""))));
        assertEquals(
                "name-value pair 1 (" + "\u00e9".repeat(64) + "): name length 128 exceeds " + "the limit of 127 bytes",
                e.getMessage());
    }

    @Test
    void encodeRefusesPairsOverTheTotalLimit() {
        NameValuePairs limits = new NameValuePairs(127, 10);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> limits.encode(List.of(
                        new NameValuePair("A", "12"), new NameValuePair("B", "34"), new NameValuePair("C", "56"))));
        assertEquals("name-value pairs exceed the limit of 10 bytes at pair 3 (C)", e.getMessage());
        assertEquals(
                10,
                limits.encode(List.of(new NameValuePair("A", "12"), new NameValuePair("B", "34")))
                        .remaining(),
                "exactly at the limit");
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new NameValuePairs(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new NameValuePairs(10, 0));
        assertEquals(65536, DEFAULTS.maxLength());
        assertEquals(1048576, DEFAULTS.maxTotalLength());
    }
}

package dev.gatehouse.asgi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One {@code [name, value]} pair of an ASGI {@code headers} list (ASGI HTTP spec, "headers").
 *
 * <p>The name must be a non-empty RFC 9110 §5.6.2 token in lower case (ASGI requires lowercased
 * names; pseudo-headers such as {@code :authority} are therefore rejected). The value must not
 * contain CR, LF or NUL (RFC 9110 §5.5), so no header can split a response. Both are byte strings,
 * copied on the way in and out and compared by content.
 */
public record Header(byte[] name, byte[] value) {

    public Header {
        name = Bytes.copy(name, "name");
        value = Bytes.copy(value, "value");
        if (name.length == 0) {
            throw new IllegalArgumentException("header name is empty");
        }
        for (byte b : name) {
            if (!isLowercaseTokenChar(b)) {
                throw new IllegalArgumentException(
                        "header name " + Bytes.render(name) + " is not a lowercase token (RFC 9110 §5.6.2)");
            }
        }
        for (byte b : value) {
            if (b == '\r' || b == '\n' || b == 0) {
                throw new IllegalArgumentException("header value of " + Bytes.render(name) + " contains CR, LF or NUL");
            }
        }
    }

    /**
     * A header from strings: the name is lowercased ({@link Locale#ROOT}) and both are encoded as
     * ISO-8859-1, the historic charset of HTTP field values.
     */
    public static Header of(String name, String value) {
        return new Header(lowercaseAscii(name), value.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * The name lowercased and encoded in one pass when it is ASCII, as header names from a server
     * are (a servlet bridge makes a header this way for every request header); any other name
     * takes the general way, and the constructor rejects it.
     */
    private static byte[] lowercaseAscii(String name) {
        byte[] bytes = new byte[name.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = name.charAt(i);
            if (c >= 0x80) {
                return name.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
            }
            bytes[i] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
        return bytes;
    }

    /** An immutable header list from alternating names and values: {@code list("a", "1")}. */
    public static List<Header> list(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate; got an odd count");
        }
        List<Header> headers = new ArrayList<>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(of(namesAndValues[i], namesAndValues[i + 1]));
        }
        return List.copyOf(headers);
    }

    /** The name as a string (it is ASCII by construction). */
    public String nameString() {
        return new String(name, StandardCharsets.US_ASCII);
    }

    /** The value decoded as ISO-8859-1. */
    public String valueString() {
        return new String(value, StandardCharsets.ISO_8859_1);
    }

    @Override
    public byte[] name() {
        return name.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Header h && Arrays.equals(name, h.name) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(name) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "[" + Bytes.render(name) + ", " + Bytes.render(value) + "]";
    }

    /** True when the name equals {@code lowercaseName} (compared as ASCII). */
    public boolean hasName(String lowercaseName) {
        // compared in place: the servlet bridge asks this for every response header it writes
        if (name.length != lowercaseName.length()) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (name[i] != lowercaseName.charAt(i)) {
                return false; // a char above 0x7F never equals a byte, which is at most 0x7F here
            }
        }
        return true;
    }

    private static boolean isLowercaseTokenChar(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }
}

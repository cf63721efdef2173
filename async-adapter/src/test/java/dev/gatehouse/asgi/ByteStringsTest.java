package dev.gatehouse.asgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Records holding byte[]: equal by content, copied in and out, rendered like ASGI byte strings. */
class ByteStringsTest {

    /** A record type built from one byte[], and how to read that byte[] back. */
    record Holder(String name, Function<byte[], Object> make, Function<Object, byte[]> read) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Holder> holders() {
        return Stream.of(
                new Holder("Header.name", b -> new Header(lower(b), new byte[] {'v'}), o -> ((Header) o).name()),
                new Holder("Header.value", b -> new Header(new byte[] {'n'}, b), o -> ((Header) o).value()),
                new Holder("HttpRequest", b -> new HttpRequest(b, true), o -> ((HttpRequest) o).body()),
                new Holder("HttpResponseBody", HttpResponseBody::new, o -> ((HttpResponseBody) o).body()),
                new Holder("WebSocketReceive", WebSocketReceive::ofBytes, o -> ((WebSocketReceive) o).bytes()),
                new Holder("WebSocketSend", WebSocketSend::ofBytes, o -> ((WebSocketSend) o).bytes()),
                new Holder(
                        "WebSocketHttpResponseBody",
                        WebSocketHttpResponseBody::new,
                        o -> ((WebSocketHttpResponseBody) o).body()),
                new Holder(
                        "HttpScope.query_string", ByteStringsTest::scopeWithQuery, o -> ((HttpScope) o).queryString()),
                new Holder("HttpScope.raw_path", ByteStringsTest::scopeWithRawPath, o -> ((HttpScope) o).rawPath()),
                new Holder("WebSocketScope.query_string", ByteStringsTest::wsScopeWithQuery, o -> ((WebSocketScope) o)
                        .queryString()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("holders")
    void equalByContent(Holder h) {
        Object a = h.make().apply(new byte[] {'a', 'b'});
        Object b = h.make().apply(new byte[] {'a', 'b'});
        Object c = h.make().apply(new byte[] {'a', 'c'});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a.toString(), b.toString());
        assertNotEquals(a, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("holders")
    void copiesInAndOut(Holder h) {
        byte[] source = {'a', 'b'};
        Object value = h.make().apply(source);
        source[0] = 'z';
        h.read().apply(value)[1] = 'z';
        assertArrayEquals(new byte[] {'a', 'b'}, h.read().apply(value));
    }

    @ParameterizedTest
    @MethodSource("names")
    void hasNameComparesTheWholeName(String asked, boolean expected) {
        assertEquals(expected, Header.of("Content-Length", "13").hasName(asked), asked);
    }

    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("content-length", true),
                Arguments.of("Content-Length", false),
                Arguments.of("content-lengt", false),
                Arguments.of("content-lengths", false),
                Arguments.of("", false),
                Arguments.of("content-lengt\u00e9", false),
                Arguments.of("content-lengt\u0174", false));
    }

    @Test
    void toStringRendersPythonStyleByteLiterals() {
        assertEquals(
                "http.request{body=b\"a\\x00\\\"\\xff\", more_body=true}",
                new HttpRequest(new byte[] {'a', 0, '"', (byte) 0xff}, true).toString());
        assertEquals("[b\"x-id\", b\"7\"]", Header.of("X-Id", "7").toString());
        assertEquals("websocket.send{text=\"hi\"}", WebSocketSend.ofText("hi").toString());
        assertEquals(
                "http.response.body{body=b\"" + "x".repeat(64) + "\"...(100 bytes), more_body=false}",
                new HttpResponseBody("x".repeat(100).getBytes()).toString());
    }

    @Test
    void bodyBufferIsAReadOnlyViewOfTheContent() {
        ByteBuffer buffer = new HttpResponseBody(new byte[] {1, 2, 3}).bodyBuffer();
        assertEquals(3, buffer.remaining());
        assertEquals(2, buffer.get(1));
        org.junit.jupiter.api.Assertions.assertThrows(ReadOnlyBufferException.class, () -> buffer.put(0, (byte) 9));
    }

    @Test
    void textAndBytesMessagesDiffer() {
        assertNotEquals(WebSocketSend.ofText("a"), WebSocketSend.ofBytes(new byte[] {'a'}));
        assertEquals(WebSocketReceive.ofText("a"), new WebSocketReceive(null, "a"));
    }

    private static byte[] lower(byte[] b) {
        byte[] copy = b.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = (byte) Character.toLowerCase(copy[i]);
        }
        return copy;
    }

    private static HttpScope scopeWithQuery(byte[] q) {
        return new HttpScope("1.1", "GET", "http", "/", null, q, "", List.of(), null, null, Map.of());
    }

    private static HttpScope scopeWithRawPath(byte[] raw) {
        return new HttpScope("1.1", "GET", "http", "/", raw, new byte[0], "", List.of(), null, null, Map.of());
    }

    private static WebSocketScope wsScopeWithQuery(byte[] q) {
        return new WebSocketScope("1.1", "ws", "/", null, q, "", List.of(), null, null, List.of(), Map.of());
    }
}

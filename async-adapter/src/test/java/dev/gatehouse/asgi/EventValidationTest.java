package dev.gatehouse.asgi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every compact-constructor rule: the invalid value and the exact message that rejects it. */
class EventValidationTest {

    record Invalid(String name, Supplier<Object> construct, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Valid(String name, Supplier<Object> construct) {
        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid(
                        "status 99",
                        () -> new HttpResponseStart(99, List.of()),
                        "status 99 is not in 100-599 (RFC 9110 §15)"),
                new Invalid(
                        "status 600",
                        () -> new HttpResponseStart(600, List.of()),
                        "status 600 is not in 100-599 (RFC 9110 §15)"),
                new Invalid(
                        "denial status 101",
                        () -> new WebSocketHttpResponseStart(101, List.of()),
                        "a denial response cannot be 101; send websocket.accept"),
                new Invalid(
                        "denial status 700",
                        () -> new WebSocketHttpResponseStart(700, List.of()),
                        "status 700 is not in 100-599 (RFC 9110 §15)"),
                new Invalid(
                        "uppercase header name",
                        () -> new Header(ascii("Content-Type"), ascii("x")),
                        "header name b\"Content-Type\" is not a lowercase token (RFC 9110 §5.6.2)"),
                new Invalid(
                        "pseudo header",
                        () -> new Header(ascii(":authority"), ascii("h")),
                        "header name b\":authority\" is not a lowercase token (RFC 9110 §5.6.2)"),
                new Invalid("empty header name", () -> new Header(new byte[0], ascii("v")), "header name is empty"),
                new Invalid(
                        "CRLF in header value",
                        () -> new Header(ascii("x"), ascii("a\r\nset-cookie: b")),
                        "header value of b\"x\" contains CR, LF or NUL"),
                new Invalid(
                        "odd header list", () -> Header.list("a"), "names and values must alternate; got an odd count"),
                new Invalid(
                        "receive with neither",
                        () -> new WebSocketReceive(null, null),
                        "websocket.receive needs exactly one of bytes and text"),
                new Invalid(
                        "receive with both",
                        () -> new WebSocketReceive(new byte[1], "x"),
                        "websocket.receive needs exactly one of bytes and text"),
                new Invalid(
                        "send with both",
                        () -> new WebSocketSend(new byte[1], "x"),
                        "websocket.send needs exactly one of bytes and text"),
                new Invalid(
                        "send with neither",
                        () -> new WebSocketSend(null, null),
                        "websocket.send needs exactly one of bytes and text"),
                new Invalid(
                        "close 1005",
                        () -> new WebSocketClose(1005),
                        "close code 1005 may not be sent in a close frame (RFC 6455 §7.4)"),
                new Invalid(
                        "close 1006",
                        () -> new WebSocketClose(1006),
                        "close code 1006 may not be sent in a close frame (RFC 6455 §7.4)"),
                new Invalid(
                        "close 1004",
                        () -> new WebSocketClose(1004),
                        "close code 1004 may not be sent in a close frame (RFC 6455 §7.4)"),
                new Invalid(
                        "close 1015",
                        () -> new WebSocketClose(1015),
                        "close code 1015 may not be sent in a close frame (RFC 6455 §7.4)"),
                new Invalid(
                        "close 2000",
                        () -> new WebSocketClose(2000),
                        "close code 2000 may not be sent in a close frame (RFC 6455 §7.4)"),
                new Invalid(
                        "close 999",
                        () -> new WebSocketClose(999),
                        "close code 999 may not be sent in a close frame (RFC 6455 §7.4)"),
                new Invalid(
                        "close 5000",
                        () -> new WebSocketClose(5000),
                        "close code 5000 may not be sent in a close frame (RFC 6455 §7.4)"),
                new Invalid(
                        "close reason 124 bytes",
                        () -> new WebSocketClose(1000, "é".repeat(62)),
                        "close reason is 124 bytes of UTF-8; at most 123 fit a close frame"),
                new Invalid(
                        "disconnect 1004",
                        () -> new WebSocketDisconnect(1004),
                        "close code 1004 is not valid (RFC 6455 §7.4)"),
                new Invalid(
                        "accept with sec-websocket-protocol",
                        () -> new WebSocketAccept(null, Header.list("sec-websocket-protocol", "chat")),
                        "websocket.accept headers must not include sec-websocket-protocol; use subprotocol"),
                new Invalid(
                        "accept with empty subprotocol",
                        () -> new WebSocketAccept("", List.of()),
                        "subprotocol is empty; use null for none"),
                new Invalid(
                        "http_version 3", () -> httpScope("3", "GET", "http"), "http_version 3 is not 1.0, 1.1 or 2"),
                new Invalid(
                        "lowercase method",
                        () -> httpScope("1.1", "get", "http"),
                        "method get is not an uppercase token"),
                new Invalid("empty scheme", () -> httpScope("1.1", "GET", ""), "scheme must not be empty"),
                new Invalid(
                        "websocket http_version 1.0",
                        () -> new WebSocketScope(
                                "1.0", "ws", "/", null, new byte[0], "", List.of(), null, null, List.of(), Map.of()),
                        "http_version 1.0 is not 1.1 or 2"),
                new Invalid("port 70000", () -> Endpoint.of("h", 70000), "port 70000 is not in 0-65535"));
    }

    static Stream<Valid> valid() {
        return Stream.of(
                new Valid("status 100", () -> new HttpResponseStart(100, List.of())),
                new Valid("status 599", () -> new HttpResponseStart(599, List.of())),
                new Valid("close 1000", () -> new WebSocketClose(1000)),
                new Valid("close 1014", () -> new WebSocketClose(1014)),
                new Valid("close 3000", () -> new WebSocketClose(3000)),
                new Valid("close 4999", () -> new WebSocketClose(4999)),
                new Valid("close reason 123 bytes", () -> new WebSocketClose(1000, "x".repeat(123))),
                new Valid("disconnect 1005", () -> new WebSocketDisconnect(1005)),
                new Valid("disconnect 1006", () -> new WebSocketDisconnect(1006)),
                new Valid("disconnect 1015", () -> new WebSocketDisconnect(1015)),
                new Valid("header token chars", () -> new Header(ascii("x-a!#$%&'*+-.^_`|~9"), ascii("v\t"))),
                new Valid("empty text", () -> WebSocketSend.ofText("")),
                new Valid("empty bytes", () -> WebSocketReceive.ofBytes(new byte[0])),
                new Valid("unix socket server", () -> Endpoint.unixSocket("/run/app.sock")),
                new Valid("http/2 scope", () -> httpScope("2", "PATCH", "https")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(Invalid c) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c.construct()::get);
        assertEquals(c.message(), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void accepts(Valid c) {
        assertDoesNotThrow(c.construct()::get);
    }

    static HttpScope httpScope(String version, String method, String scheme) {
        return new HttpScope(
                version,
                method,
                scheme,
                "/",
                null,
                new byte[0],
                "",
                List.of(),
                null,
                Endpoint.unixSocket("/s"),
                Map.of());
    }

    @org.junit.jupiter.api.Test
    void headerOfLowercasesTheName() {
        Header h = Header.of("Content-Type", "text/plain");
        assertEquals("content-type", h.nameString());
        assertEquals("text/plain", h.valueString());
        assertEquals(OptionalInt.empty(), Endpoint.unixSocket("/s").port());
    }
}

package dev.gatehouse.cgi.meta;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatehouse.cgi.meta.CgiResponseHead.Field;
import dev.gatehouse.cgi.meta.CgiResponseHead.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte-exact vectors for the CGI response header block (RFC 3875 §6.2–6.3). Every vector is fed
 * whole, byte by byte, and split in two at every offset; all feedings must agree on the parsed
 * head, on where the body starts, and on the rejection message.
 */
class CgiHeaderParserTest {

    private static final int LIMIT = 65536;

    // ---------------------------------------------------------------- harness

    /** What feeding produced: the head and the bytes left over as body, or the rejection. */
    private record Outcome(CgiResponseHead head, byte[] body, String error) {
        static Outcome parsed(CgiResponseHead head, byte[] body) {
            return new Outcome(head, body, null);
        }

        static Outcome rejected(String error) {
            return new Outcome(null, null, error);
        }

        void assertMatches(Outcome expected, String how) {
            assertEquals(expected.error, error, how + ": rejection");
            assertEquals(expected.head, head, how + ": head");
            if (expected.body == null) {
                assertEquals(null, body, how + ": body");
            } else {
                assertArrayEquals(expected.body, body, how + ": body (bytes after the header block)");
            }
        }
    }

    /**
     * Feeds {@code input} in the given chunks, each copied into a larger array at a non-zero
     * offset so that {@code off} is exercised, and collects what {@code feed} did not consume.
     */
    private static Outcome feed(byte[] input, int[] cuts, boolean nph, int maxBytes) {
        CgiHeaderParser parser = new CgiHeaderParser(maxBytes, nph);
        int start = 0;
        try {
            for (int c = 0; c <= cuts.length; c++) {
                int end = c < cuts.length ? cuts[c] : input.length;
                int len = end - start;
                byte[] padded = new byte[len + 7];
                Arrays.fill(padded, (byte) 'Z');
                System.arraycopy(input, start, padded, 3, len);
                int consumed = parser.feed(padded, 3, len);
                if (parser.isComplete()) {
                    assertTrue(consumed >= 0 && consumed <= len, "consumed " + consumed + " of " + len);
                    return Outcome.parsed(parser.finish(), Arrays.copyOfRange(input, start + consumed, input.length));
                }
                assertEquals(len, consumed, "an incomplete block consumes all it is fed");
                start = end;
            }
            parser.finish();
            return fail("finish() returned without a complete block");
        } catch (CgiHeaderException e) {
            return Outcome.rejected(e.getMessage());
        }
    }

    /** The same input fed whole, byte by byte, and split at every offset must agree. */
    private static void assertAllFeedings(byte[] input, boolean nph, int maxBytes, Outcome expected) {
        feed(input, new int[0], nph, maxBytes).assertMatches(expected, "whole");
        feed(input, IntStream.range(1, input.length).toArray(), nph, maxBytes).assertMatches(expected, "byte by byte");
        for (int split = 0; split <= input.length; split++) {
            feed(input, new int[] {split}, nph, maxBytes).assertMatches(expected, "split at " + split);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static Field f(String name, String value) {
        return new Field(name, value);
    }

    private static CgiResponseHead document(int status, Field... headers) {
        return new CgiResponseHead(Kind.DOCUMENT, status, null, List.of(headers));
    }

    // ---------------------------------------------------------------- accepted blocks

    /**
     * @param head the header block, blank line included (ISO-8859-1 bytes)
     * @param body what the program wrote after it; must come back unparsed
     */
    record Accepted(String name, boolean nph, String head, String body, CgiResponseHead expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Accepted> accepted() {
        return Stream.of(
                new Accepted(
                        "LF line ends",
                        false,
                        "Content-Type: text/plain\n\n",
                        "hello\n",
                        document(200, f("Content-Type", "text/plain"))),
                new Accepted(
                        "CRLF line ends",
                        false,
                        "Content-Type: text/html; charset=utf-8\r\n\r\n",
                        "<p>x</p>",
                        document(200, f("Content-Type", "text/html; charset=utf-8"))),
                new Accepted(
                        "mixed LF and CRLF, blank line CRLF",
                        false,
                        "Content-Type: a/b\r\nX-A: 1\n\r\n",
                        "\r\n",
                        document(200, f("Content-Type", "a/b"), f("X-A", "1"))),
                new Accepted(
                        "empty body",
                        false,
                        "Content-Type: text/plain\n\n",
                        "",
                        document(200, f("Content-Type", "text/plain"))),
                new Accepted(
                        "body that looks like headers stays body",
                        false,
                        "Content-Type: text/plain\r\n\r\n",
                        "Status: 500\r\n\r\nLocation: /x\n\n",
                        document(200, f("Content-Type", "text/plain"))),
                new Accepted(
                        "Status with reason phrase",
                        false,
                        "Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\n",
                        "gone",
                        document(404, f("Content-Type", "text/plain"))),
                new Accepted("Status alone, three digits", false, "Status: 204\n\n", "", document(204)),
                new Accepted(
                        "field names are case-insensitive, their case is kept",
                        false,
                        "content-TYPE: x/y\nSTATUS: 201 Created\n\n",
                        "",
                        document(201, f("content-TYPE", "x/y"))),
                new Accepted(
                        "optional whitespace around values is not part of them",
                        false,
                        "Content-Type:text/plain\nX-Empty:\nX-Tab: \ta\tb \t\n\n",
                        "",
                        document(200, f("Content-Type", "text/plain"), f("X-Empty", ""), f("X-Tab", "a\tb"))),
                new Accepted(
                        "colons after the first belong to the value",
                        false,
                        "Content-Type: text/plain\nX-Url: http://a:1/b\n\n",
                        "",
                        document(200, f("Content-Type", "text/plain"), f("X-Url", "http://a:1/b"))),
                new Accepted(
                        "obs-text bytes are kept as ISO-8859-1",
                        false,
                        "Content-Type: text/plain\nX-L: caf\u00e9\n\n",
                        "",
                        document(200, f("Content-Type", "text/plain"), f("X-L", "caf\u00e9"))),
                new Accepted(
                        "repeated Set-Cookie kept, in order",
                        false,
                        "Content-Type: text/plain\nSet-Cookie: a=1\nX-Other: o\nSet-Cookie: b=2; Path=/\n\n",
                        "",
                        document(
                                200,
                                f("Content-Type", "text/plain"),
                                f("Set-Cookie", "a=1"),
                                f("X-Other", "o"),
                                f("Set-Cookie", "b=2; Path=/"))),
                new Accepted(
                        "hop-by-hop fields dropped",
                        false,
                        "Content-Type: text/plain\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
                                + "Keep-Alive: timeout=5\r\nUpgrade: h2c\r\nTE: trailers\r\nTrailer: X-T\r\n"
                                + "Proxy-Connection: keep-alive\r\nX-Kept: 1\r\n\r\n",
                        "5\r\nhello\r\n0\r\n\r\n",
                        document(200, f("Content-Type", "text/plain"), f("X-Kept", "1"))),
                new Accepted(
                        "local redirect: a path without Status",
                        false,
                        "Location: /x?y\n\n",
                        "",
                        new CgiResponseHead(Kind.LOCAL_REDIRECT, 200, "/x?y", List.of())),
                new Accepted(
                        "local redirect with Status 200",
                        false,
                        "Status: 200\r\nLocation: /cgi-bin/hello.sh\r\n\r\n",
                        "",
                        new CgiResponseHead(Kind.LOCAL_REDIRECT, 200, "/cgi-bin/hello.sh", List.of())),
                new Accepted(
                        "client redirect: absolute URI, 302 by default",
                        false,
                        "Location: http://h/x\n\n",
                        "",
                        new CgiResponseHead(Kind.CLIENT_REDIRECT, 302, "http://h/x", List.of())),
                new Accepted(
                        "client redirect with the given Status",
                        false,
                        "Status: 301 Moved Permanently\nLocation: http://h/x\n\n",
                        "",
                        new CgiResponseHead(Kind.CLIENT_REDIRECT, 301, "http://h/x", List.of())),
                new Accepted(
                        "client redirect with a document",
                        false,
                        "Location: https://h.example/a?b=c\r\nStatus: 303 See Other\r\nContent-Type: text/html\r\n\r\n",
                        "<a href=\"https://h.example/a?b=c\">see</a>",
                        new CgiResponseHead(
                                Kind.CLIENT_REDIRECT,
                                303,
                                "https://h.example/a?b=c",
                                List.of(f("Content-Type", "text/html")))),
                new Accepted(
                        "client redirect to another scheme",
                        false,
                        "Location: mailto:a@b.example\n\n",
                        "",
                        new CgiResponseHead(Kind.CLIENT_REDIRECT, 302, "mailto:a@b.example", List.of())),
                new Accepted(
                        "a local path with a non-200 Status goes to the client",
                        false,
                        "Status: 301\nLocation: /moved\n\n",
                        "",
                        new CgiResponseHead(Kind.CLIENT_REDIRECT, 301, "/moved", List.of())),
                new Accepted(
                        "NPH: HTTP/1.1 status line",
                        true,
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-NPH: yes\r\n\r\n",
                        "now\n",
                        document(200, f("Content-Type", "text/plain"), f("X-NPH", "yes"))),
                new Accepted(
                        "NPH: HTTP/1.0 status line with another status",
                        true,
                        "HTTP/1.0 404 Not Found\nContent-Type: text/plain\n\n",
                        "",
                        document(404, f("Content-Type", "text/plain"))),
                new Accepted(
                        "NPH: status line and Location",
                        true,
                        "HTTP/1.1 302 Found\nLocation: http://h/\n\n",
                        "",
                        new CgiResponseHead(Kind.CLIENT_REDIRECT, 302, "http://h/", List.of())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void acceptsTheSameWayHoweverTheBytesArrive(Accepted v) {
        byte[] head = bytes(v.head());
        byte[] body = bytes(v.body());
        assertAllFeedings(concat(head, body), v.nph(), LIMIT, Outcome.parsed(v.expected(), body));
    }

    @Test
    void blockLargerThanTheInitialBufferIsAccepted() {
        StringBuilder head = new StringBuilder("Content-Type: text/plain\n");
        List<Field> expected = new ArrayList<>(List.of(f("Content-Type", "text/plain")));
        for (int i = 0; head.length() < 8300; i++) {
            String value = "c" + i + "=" + "v".repeat(90);
            head.append("Set-Cookie: ").append(value).append('\n');
            expected.add(f("Set-Cookie", value));
        }
        head.append('\n');
        byte[] body = bytes("body");
        assertAllFeedings(
                concat(bytes(head.toString()), body),
                false,
                LIMIT,
                Outcome.parsed(new CgiResponseHead(Kind.DOCUMENT, 200, null, expected), body));
    }

    // ---------------------------------------------------------------- rejected blocks

    /** @param input everything the program wrote before its output ended */
    record Rejected(String name, boolean nph, String input, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Rejected> rejected() {
        return Stream.of(
                new Rejected(
                        "line without a colon",
                        false,
                        "Content-Type text/plain\n\n",
                        "malformed header line (no field name and colon): \"Content-Type text/plain\""),
                new Rejected(
                        "empty field name",
                        false,
                        "Content-Type: text/plain\n: x\n\n",
                        "malformed header line (no field name and colon): \": x\""),
                new Rejected(
                        "space in field name",
                        false,
                        "Content Type: text/plain\n\n",
                        "malformed header field name: \"Content Type\""),
                new Rejected(
                        "space before the colon",
                        false,
                        "Content-Type : text/plain\r\n\r\n",
                        "malformed header field name: \"Content-Type \""),
                new Rejected(
                        "separator in field name",
                        false,
                        "X(a): 1\nContent-Type: text/plain\n\n",
                        "malformed header field name: \"X(a)\""),
                new Rejected(
                        "non-ASCII field name", false, "X-\u00e9: 1\n\n", "malformed header field name: \"X-\u00e9\""),
                new Rejected(
                        "obs-fold continuation line",
                        false,
                        "Content-Type: text/plain\nX-A: a\n b\n\n",
                        "malformed header line (no field name and colon): \" b\""),
                new Rejected(
                        "HTTP status line without nph",
                        false,
                        "HTTP/1.1 200 OK\nContent-Type: text/plain\n\n",
                        "malformed header line (no field name and colon): \"HTTP/1.1 200 OK\""),
                new Rejected(
                        "control character in value",
                        false,
                        "Content-Type: text/plain\nX-A: a\u0001b\n\n",
                        "control character in header X-A"),
                new Rejected(
                        "NUL in value",
                        false,
                        "Content-Type: text/pl\u0000ain\n\n",
                        "control character in header Content-Type"),
                new Rejected(
                        "bare CR inside a value",
                        false,
                        "X-A: a\rSet-Cookie: injected\r\nContent-Type: text/plain\r\n\r\n",
                        "control character in header X-A"),
                new Rejected(
                        "DEL in value",
                        false,
                        "Content-Type: text/plain\nX-A: a\u007fb\n\n",
                        "control character in header X-A"),
                new Rejected(
                        "none of Content-Type, Location or Status",
                        false,
                        "X-A: 1\nSet-Cookie: a=1\n\n",
                        "header block has none of Content-Type, Location or Status"),
                new Rejected(
                        "only hop-by-hop fields",
                        false,
                        "Connection: close\n\n",
                        "header block has none of Content-Type, Location or Status"),
                new Rejected("empty block, LF", false, "\nbody", "empty header block"),
                new Rejected("empty block, CRLF", false, "\r\nbody", "empty header block"),
                new Rejected("Status of two digits", false, "Status: 20\n\n", "malformed Status: \"20\""),
                new Rejected("Status not digits", false, "Status: abc\n\n", "malformed Status: \"abc\""),
                new Rejected("Status above 599", false, "Status: 600\n\n", "Status out of range: \"600\""),
                new Rejected("Status below 100", false, "Status: 099 Odd\n\n", "Status out of range: \"099 Odd\""),
                new Rejected("Status of four digits", false, "Status: 2000\n\n", "malformed Status: \"2000\""),
                new Rejected(
                        "Status with reason not after a space",
                        false,
                        "Status: 200OK\n\n",
                        "malformed Status: \"200OK\""),
                new Rejected("Status empty", false, "Status:\n\n", "malformed Status: \"\""),
                new Rejected(
                        "Status twice",
                        false,
                        "Status: 200\nContent-Type: text/plain\nStatus: 404\n\n",
                        "more than one Status field"),
                new Rejected("Location twice", false, "Location: /a\nLocation: /b\n\n", "more than one Location field"),
                new Rejected(
                        "Location network-path reference",
                        false,
                        "Location: //evil.example/x\n\n",
                        "Location is neither an absolute URI nor a local path: \"//evil.example/x\""),
                new Rejected(
                        "Location //evil",
                        false,
                        "Location: //evil\n\n",
                        "Location is neither an absolute URI nor a local path: \"//evil\""),
                new Rejected(
                        "Location relative path",
                        false,
                        "Location: relative\n\n",
                        "Location is neither an absolute URI nor a local path: \"relative\""),
                new Rejected(
                        "Location scheme starting with a digit",
                        false,
                        "Location: 1http://h/\n\n",
                        "Location is neither an absolute URI nor a local path: \"1http://h/\""),
                new Rejected(
                        "Location empty scheme",
                        false,
                        "Location: :x\n\n",
                        "Location is neither an absolute URI nor a local path: \":x\""),
                new Rejected(
                        "NPH: first line not a status line",
                        true,
                        "200 OK\nContent-Type: text/plain\n\n",
                        "nph output does not start with an HTTP status line: \"200 OK\""),
                new Rejected(
                        "NPH: ordinary CGI header first",
                        true,
                        "Content-Type: text/plain\n\n",
                        "nph output does not start with an HTTP status line: \"Content-Type: text/plain\""),
                new Rejected(
                        "NPH: status line without status",
                        true,
                        "HTTP/1.1\nContent-Type: text/plain\n\n",
                        "malformed nph status line: \"HTTP/1.1\""),
                new Rejected(
                        "NPH: status out of range",
                        true,
                        "HTTP/1.1 999 Odd\nContent-Type: text/plain\n\n",
                        "Status out of range: \"999 Odd\""),
                new Rejected(
                        "NPH: Status field besides the status line",
                        true,
                        "HTTP/1.1 200 OK\nStatus: 404\n\n",
                        "more than one Status field"),
                new Rejected("no output at all", false, "", "no output before end of stream"),
                new Rejected("NPH: no output at all", true, "", "no output before end of stream"),
                new Rejected(
                        "ends after a complete line, no blank line",
                        false,
                        "Content-Type: text/plain\n",
                        "end of stream inside the header block (25 bytes, no blank line)"),
                new Rejected(
                        "ends inside a line",
                        false,
                        "Content-Type: text/pl",
                        "end of stream inside the header block (21 bytes, no blank line)"),
                new Rejected(
                        "ends after CR of the blank line",
                        false,
                        "Content-Type: text/plain\r\n\r",
                        "end of stream inside the header block (27 bytes, no blank line)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectsTheSameWayHoweverTheBytesArrive(Rejected v) {
        assertAllFeedings(bytes(v.input()), v.nph(), LIMIT, Outcome.rejected(v.message()));
    }

    /**
     * The class promises to reject "control characters in a value"; a control character at the
     * end of a value must not be stripped away as if it were whitespace.
     */
    record TrailingControl(String name, String input) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<TrailingControl> trailingControls() {
        return Stream.of(
                new TrailingControl("VT", "Content-Type: text/plain\u000b\n\n"),
                new TrailingControl("FF", "Content-Type: text/plain\u000c\n\n"),
                new TrailingControl("US", "Content-Type: text/plain\u001f\n\n"),
                new TrailingControl("bare CR before CRLF", "Content-Type: text/plain\r\r\n\r\n"),
                new TrailingControl("leading VT", "Content-Type: \u000btext/plain\n\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trailingControls")
    void controlCharacterAtTheEdgeOfAValueIsRejectedNotStripped(TrailingControl v) {
        assertAllFeedings(bytes(v.input()), false, LIMIT, Outcome.rejected("control character in header Content-Type"));
    }

    /** RFC 3986 §3.1, as the parser's javadoc cites it: a scheme is ASCII letters, digits, "+", "-", ".". */
    record NonAsciiScheme(String name, String location) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<NonAsciiScheme> nonAsciiSchemes() {
        return Stream.of(
                new NonAsciiScheme("Latin-1 letter first", "\u00e9vil:x"),
                new NonAsciiScheme("Latin-1 letter inside", "ht\u00e9p://h/"),
                new NonAsciiScheme("superscript digit inside", "a\u00b2b://h/"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonAsciiSchemes")
    void locationSchemeIsAsciiOnly(NonAsciiScheme v) {
        assertAllFeedings(
                bytes("Location: " + v.location() + "\n\n"),
                false,
                LIMIT,
                Outcome.rejected("Location is neither an absolute URI nor a local path: \"" + v.location() + "\""));
    }

    // ---------------------------------------------------------------- size limit

    /** A valid block of exactly {@code size} bytes, blank line included. */
    private static String blockOf(int size, String lineEnd) {
        String start = "Content-Type: text/plain" + lineEnd + "X-Pad: ";
        String end = lineEnd + lineEnd;
        String block = start + "p".repeat(size - start.length() - end.length()) + end;
        assertEquals(size, block.length());
        return block;
    }

    record SizeCase(String name, int maxBytes, String input, String body, CgiResponseHead expected, String error) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<SizeCase> sizes() {
        String lf48 = blockOf(48, "\n");
        String crlf48 = blockOf(48, "\r\n");
        CgiResponseHead lfHead = document(200, f("Content-Type", "text/plain"), f("X-Pad", "p".repeat(14)));
        CgiResponseHead crlfHead = document(200, f("Content-Type", "text/plain"), f("X-Pad", "p".repeat(11)));
        return Stream.of(
                new SizeCase("LF block of exactly the limit", 48, lf48, "body beyond the limit", lfHead, null),
                new SizeCase("CRLF block of exactly the limit", 48, crlf48, "body beyond the limit", crlfHead, null),
                new SizeCase("LF block one byte over", 47, lf48, "", null, "header block exceeds 47 bytes"),
                new SizeCase(
                        "CRLF block one byte over, limit between CR and LF",
                        47,
                        crlf48,
                        "",
                        null,
                        "header block exceeds 47 bytes"),
                new SizeCase(
                        "one endless line", 16, "Content-Type: text/plain", "", null, "header block exceeds 16 bytes"),
                new SizeCase("smallest limit, smallest block", 16, "Status: 204\n\n", "x", document(204), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sizes")
    void headerBlockIsBounded(SizeCase v) {
        Outcome expected =
                v.error() == null ? Outcome.parsed(v.expected(), bytes(v.body())) : Outcome.rejected(v.error());
        assertAllFeedings(bytes(v.input() + v.body()), false, v.maxBytes(), expected);
    }

    @Test
    void limitBelowSixteenIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CgiHeaderParser(15, false));
        assertEquals("maxBytes must be at least 16: 15", e.getMessage());
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    void feedAfterCompletionIsAnIllegalState() throws Exception {
        CgiHeaderParser parser = new CgiHeaderParser(LIMIT, false);
        byte[] input = bytes("Status: 204\n\nrest");
        assertFalse(parser.isComplete());
        assertEquals(13, parser.feed(input, 0, input.length));
        assertTrue(parser.isComplete());
        CgiResponseHead head = parser.finish();
        assertEquals(document(204), head);
        assertSame(head, parser.finish(), "finish() is repeatable");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> parser.feed(input, 13, 4));
        assertEquals("header block already complete", e.getMessage());
    }

    @Test
    void finishBeforeTheBlankLineThrowsAndParsingCanContinue() throws Exception {
        CgiHeaderParser parser = new CgiHeaderParser(LIMIT, false);
        byte[] first = bytes("Content-Type: text/plain\n");
        assertEquals(first.length, parser.feed(first, 0, first.length));
        CgiHeaderException e = assertThrows(CgiHeaderException.class, parser::finish);
        assertEquals("end of stream inside the header block (25 bytes, no blank line)", e.getMessage());
        byte[] rest = bytes("\nbody");
        assertEquals(1, parser.feed(rest, 0, rest.length));
        assertEquals(document(200, f("Content-Type", "text/plain")), parser.finish());
    }

    @Test
    void emptyFeedConsumesNothing() throws Exception {
        CgiHeaderParser parser = new CgiHeaderParser(LIMIT, false);
        assertEquals(0, parser.feed(new byte[4], 2, 0));
        assertFalse(parser.isComplete());
        CgiHeaderException e = assertThrows(CgiHeaderException.class, parser::finish);
        assertEquals("no output before end of stream", e.getMessage());
    }

    @Test
    void bodyOffsetIsTheByteAfterTheBlankLine() throws Exception {
        // byte-exact: 26 header bytes, then the body starts with its own CRLF
        byte[] input = bytes("Content-Type: text/plain\n\n\r\nbody");
        CgiHeaderParser parser = new CgiHeaderParser(LIMIT, false);
        assertEquals(26, parser.feed(input, 0, input.length));
        assertEquals("\r\nbody", new String(input, 26, input.length - 26, ISO_8859_1));
    }
}

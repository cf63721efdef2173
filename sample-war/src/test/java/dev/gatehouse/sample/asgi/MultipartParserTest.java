package dev.gatehouse.sample.asgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MultipartParserTest {
    private static final String BOUNDARY = "XyZ-42";

    /** A part as the listener saw it. */
    record Part(String name, String filename, String contentType, String content) {}

    /** A body, and the parts it holds. */
    record Case(String title, String body, List<Part> parts) {
        @Override
        public String toString() {
            return title;
        }
    }

    static Stream<Case> bodies() {
        return Stream.of(
                new Case(
                        "a field and a file",
                        "--XyZ-42\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
                                + "--XyZ-42\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.txt\"\r\n"
                                + "Content-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n--XyZ-42--\r\n",
                        List.of(
                                new Part("note", null, null, "hello"),
                                new Part("file", "a b.txt", "text/plain", "line 1\r\nline 2"))),
                new Case(
                        "preamble, epilogue and transport padding",
                        "ignored preamble\r\n--XyZ-42  \r\nContent-Disposition: form-data; name=f\r\n\r\nx\r\n"
                                + "--XyZ-42--\r\nignored epilogue --XyZ-42\r\n",
                        List.of(new Part("f", null, null, "x"))),
                new Case(
                        "content that looks like the delimiter's beginning",
                        "--XyZ-42\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f\"\r\n\r\n"
                                + "\r\n--XyZ-4\r\r\n--X\r\n-\r\n--XyZ-42--",
                        List.of(new Part("f", "f", null, "\r\n--XyZ-4\r\r\n--X\r\n-"))),
                new Case(
                        "an empty file",
                        "--XyZ-42\r\nContent-Disposition: form-data; name=\"e\"; filename=\"\"\r\n\r\n\r\n"
                                + "--XyZ-42--\r\n",
                        List.of(new Part("e", "", null, ""))),
                new Case("no parts", "--XyZ-42--\r\n", List.of()));
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void partsAreTheSameHoweverTheBodyIsSplit(Case c) throws Exception {
        byte[] body = c.body().getBytes(StandardCharsets.UTF_8);
        assertEquals(c.parts(), parse(List.of(body)), "in one chunk");
        for (int cut = 1; cut < body.length; cut++) {
            List<byte[]> chunks = List.of(Arrays.copyOfRange(body, 0, cut), Arrays.copyOfRange(body, cut, body.length));
            assertEquals(c.parts(), parse(chunks), "cut at " + cut);
        }
        List<byte[]> bytes = new ArrayList<>();
        for (byte b : body) {
            bytes.add(new byte[] {b});
        }
        assertEquals(c.parts(), parse(bytes), "byte by byte");
    }

    @Test
    void aPartWithoutContentDispositionIsRejected() {
        String body = "--XyZ-42\r\n\r\nno disposition\r\n--XyZ-42--\r\n";
        MultipartParser.MalformedException e = assertThrows(
                MultipartParser.MalformedException.class, () -> parse(List.of(body.getBytes(StandardCharsets.UTF_8))));
        assertEquals("a part has no Content-Disposition (RFC 7578 §4.2)", e.getMessage());
    }

    @Test
    void malformedBodiesAreRejectedWithTheReason() {
        assertMalformed(
                "--XyZ-42\r\nContent-Disposition: form-data; name=a\r\n\r\nx",
                "the body ended before the closing boundary --XyZ-42--");
        assertMalformed("no boundary at all", "the body ended before the closing boundary --XyZ-42--");
        assertMalformed("--XyZ-42x\r\n", "expected CRLF or \"--\" after the boundary");
        assertMalformed("--XyZ-42-x", "expected \"--\" after the closing boundary");
        assertMalformed("--XyZ-42\rx", "expected CRLF after the boundary");
        assertMalformed("--XyZ-42\r\nno colon\r\n\r\n", "a part's header line has no name: no colon");
        assertMalformed(
                "--XyZ-42\r\nX-Long: " + "a".repeat(MultipartParser.MAX_HEADER_BYTES) + "\r\n\r\n",
                "a part's header block is over 8192 bytes");
        assertMalformed(
                "--XyZ-42\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n".repeat(MultipartParser.MAX_PARTS + 1),
                "more than 100 parts");
    }

    @Test
    void theBoundaryComesFromTheContentType() throws Exception {
        assertEquals("abc", MultipartParser.boundary("multipart/form-data; boundary=abc"));
        assertEquals("a b;c", MultipartParser.boundary("Multipart/Form-Data; charset=x; boundary=\"a b;c\""));
        assertEquals(
                "----WebKitFormBoundary7MA4YWxkTrZu0gW",
                MultipartParser.boundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"));
        assertNull(MultipartParser.boundary("application/octet-stream"));
        assertNull(MultipartParser.boundary(null));
        assertThrows(MultipartParser.MalformedException.class, () -> MultipartParser.boundary("multipart/form-data"));
    }

    @Test
    void invalidBoundariesAreRejected() {
        for (String boundary : List.of("", "x".repeat(71), "ends with space ", "semi;colon", "cr\r")) {
            assertThrows(MultipartParser.MalformedException.class, () -> new MultipartParser(boundary, null), boundary);
        }
    }

    @Test
    void parametersAreTokensOrQuotedStrings() {
        String disposition = "form-data; name=\"a\\\"b\"; filename=\"c;d.txt\"; size=12";
        assertEquals("a\"b", MultipartParser.parameter(disposition, "name"));
        assertEquals("c;d.txt", MultipartParser.parameter(disposition, "filename"));
        assertEquals("12", MultipartParser.parameter(disposition, "size"));
        assertNull(MultipartParser.parameter(disposition, "missing"));
        assertNull(MultipartParser.parameter("form-data", "name"));
    }

    private static void assertMalformed(String body, String reason) {
        MultipartParser.MalformedException e = assertThrows(
                MultipartParser.MalformedException.class,
                () -> parse(List.of(body.getBytes(StandardCharsets.UTF_8))),
                body);
        assertEquals(reason, e.getMessage());
    }

    private static List<Part> parse(List<byte[]> chunks) throws MultipartParser.MalformedException {
        List<Part> parts = new ArrayList<>();
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        MultipartParser.PartHeaders[] current = {null};
        MultipartParser parser = new MultipartParser(BOUNDARY, new MultipartParser.Listener() {
            @Override
            public void partStarted(MultipartParser.PartHeaders headers) {
                current[0] = headers;
                content.reset();
            }

            @Override
            public void partContent(byte[] bytes, int offset, int length) {
                content.write(bytes, offset, length);
            }

            @Override
            public void partEnded() {
                MultipartParser.PartHeaders h = current[0];
                parts.add(new Part(h.name(), h.filename(), h.contentType(), content.toString(StandardCharsets.UTF_8)));
            }
        });
        for (byte[] chunk : chunks) {
            parser.feed(chunk);
        }
        parser.finish();
        return parts;
    }
}

package dev.gatehouse.sample.asgi;

import static dev.gatehouse.sample.asgi.TestScopes.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpRequest;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.testing.ApplicationCommunicator;
import dev.gatehouse.asgi.testing.HttpCommunicator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Sha256AppTest {
    /** SHA-256 of the empty string and of "abc" (FIPS 180-2, appendix B.1). */
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    private final Sha256App app = new Sha256App();

    @Test
    void aRawBodyIsHashedChunkByChunk() throws Exception {
        ApplicationCommunicator client = ApplicationCommunicator.start(app, post("", Header.list()));
        client.sendInput(new HttpRequest(bytes("a"), true));
        client.sendInput(new HttpRequest(bytes("b"), true));
        client.sendInput(new HttpRequest(bytes("c"), false));
        HttpCommunicator.Response response = HttpCommunicator.collect(client, WAIT);
        assertEquals(200, response.status());
        assertEquals(ABC + "  3  -\n", response.bodyText());
        assertTrue(response.headers().contains(Header.of("content-type", "text/plain; charset=utf-8")));
    }

    @Test
    void jsonByQueryOrAccept() throws Exception {
        HttpCommunicator.Response byQuery =
                HttpCommunicator.exchange(app, post("format=json", List.of()), new byte[0], WAIT);
        assertEquals("{\"sha256\":\"" + EMPTY + "\",\"bytes\":0}\n", byQuery.bodyText());
        assertTrue(byQuery.headers().contains(Header.of("content-type", "application/json")));
        HttpCommunicator.Response byAccept = HttpCommunicator.exchange(
                app, post("", Header.list("accept", "application/json, */*")), bytes("abc"), WAIT);
        assertEquals("{\"sha256\":\"" + ABC + "\",\"bytes\":3}\n", byAccept.bodyText());
    }

    @Test
    void eachFileOfAFormIsHashedAndFieldsAreSkipped() throws Exception {
        byte[] content = new byte[200_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        String head = "--b0undary\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nnot hashed\r\n"
                + "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"abc.txt\"\r\n\r\n"
                + "abc\r\n--b0undary--\r\n";
        HttpScope scope = post("format=json", Header.list("content-type", "multipart/form-data; boundary=b0undary"));
        ApplicationCommunicator client = ApplicationCommunicator.start(app, scope);
        client.sendInput(new HttpRequest(bytes(head), true));
        for (int off = 0; off < content.length; off += 65536) { // the file arrives in several chunks
            client.sendInput(new HttpRequest(
                    java.util.Arrays.copyOfRange(content, off, Math.min(off + 65536, content.length)), true));
        }
        client.sendInput(new HttpRequest(bytes(tail), false));
        HttpCommunicator.Response response = HttpCommunicator.collect(client, WAIT);
        assertEquals(200, response.status());
        assertEquals(
                "{\"files\":[{\"field\":\"file\",\"filename\":\"data.bin\",\"sha256\":\"" + sha256(content)
                        + "\",\"bytes\":200000},{\"field\":\"file\",\"filename\":\"abc.txt\",\"sha256\":\"" + ABC
                        + "\",\"bytes\":3}]}\n",
                response.bodyText());
        client.waitFor(WAIT);
    }

    @Test
    void aMalformedFormIs400AfterTheWholeBodyWasRead() throws Exception {
        HttpScope scope = post("", Header.list("content-type", "multipart/form-data; boundary=b"));
        ApplicationCommunicator client = ApplicationCommunicator.start(app, scope);
        client.sendInput(new HttpRequest(bytes("--b\r\nbroken header\r\n\r\n"), true));
        client.sendInput(new HttpRequest(bytes("the rest of a large upload"), true));
        client.sendInput(new HttpRequest(bytes("and its end"), false));
        HttpCommunicator.Response response = HttpCommunicator.collect(client, WAIT);
        assertEquals(400, response.status());
        assertEquals(
                "400 malformed multipart/form-data: a part's header line has no name: broken header\n",
                response.bodyText());
        client.waitFor(WAIT);
    }

    @Test
    void aFormWithoutBoundaryIs400() throws Exception {
        HttpCommunicator.Response response = HttpCommunicator.exchange(
                app, post("format=json", Header.list("content-type", "multipart/form-data")), bytes("x"), WAIT);
        assertEquals(400, response.status());
        assertEquals("{\"error\":\"multipart/form-data without a boundary parameter\"}\n", response.bodyText());
    }

    @Test
    void aClientGoneMidUploadEndsTheApplicationNormally() throws Exception {
        ApplicationCommunicator client = ApplicationCommunicator.start(app, post("", List.of()));
        client.sendInput(new HttpRequest(bytes("partial"), true));
        client.disconnect();
        client.waitFor(WAIT);
    }

    @Test
    void getIsTheForm() throws Exception {
        HttpCommunicator.Response response = HttpCommunicator.exchange(
                app, TestScopes.http("GET", "/async/sha256", "", List.of(), Map.of()), new byte[0], WAIT);
        assertEquals(200, response.status());
        assertTrue(response.bodyText().contains("enctype=\"multipart/form-data\""), response.bodyText());
    }

    private static HttpScope post(String query, List<Header> headers) {
        return TestScopes.http("POST", "/async/sha256", query, headers, Map.of());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}

package dev.gatehouse.fastcgi.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Input an application must not send, rejected with a message that names the fault. */
class RecordParserRejectionTest {

    private static final Supplier<RecordParser> REQUEST_1 = () -> RecordParser.forRequest(1);

    record Bad(String name, Supplier<RecordParser> parser, String hex, String message) {
        Bad(String name, String hex, String message) {
            this(name, REQUEST_1, hex, message);
        }
    }

    private static final String STDOUT_16 = "01 06 00 01 00 05 03 00 68 65 6C 6C 6F 00 00 00 |";

    static Stream<Bad> malformed() {
        Supplier<RecordParser> small = () -> RecordParser.forRequest(1, new NameValuePairs(16, 32));
        return Stream.of(
                new Bad(
                        "version 2",
                        "02 06 00 01 00 00 00 00",
                        "record at byte 0: version 2, but FastCGI 1.0 has version 1"),
                new Bad(
                        "version 0",
                        "00 06 00 01 00 00 00 00",
                        "record at byte 0: version 0, but FastCGI 1.0 has version 1"),
                new Bad(
                        "version 2 after a record",
                        STDOUT_16 + "02 03 00 01 00 08 00 00",
                        "record at byte 16: version 2, but FastCGI 1.0 has version 1"),
                new Bad(
                        "another request's STDOUT",
                        "01 06 00 02 00 00 00 00",
                        "STDOUT record at byte 0: request id 2, expected 1"),
                new Bad(
                        "STDOUT with the null request id",
                        "01 06 00 00 00 00 00 00",
                        "STDOUT record at byte 0: request id 0, expected 1"),
                new Bad(
                        "another request's END_REQUEST",
                        "01 03 01 01 00 08 00 00",
                        "END_REQUEST record at byte 0: request id 257, expected 1"),
                new Bad(
                        "STDERR of an inactive request",
                        () -> RecordParser.forRequests(Set.of(1, 3)::contains),
                        "01 07 00 02 00 00 00 00",
                        "STDERR record at byte 0: request id 2, " + "not an active request on this connection"),
                new Bad(
                        "GET_VALUES_RESULT with a request id",
                        "01 0A 00 01 00 00 00 00",
                        "GET_VALUES_RESULT record at byte 0: request id 1, but a management "
                                + "record has request id 0"),
                new Bad(
                        "UNKNOWN_TYPE with a request id",
                        "01 0B 00 01 00 08 00 00",
                        "UNKNOWN_TYPE record at byte 0: request id 1, but a management " + "record has request id 0"),
                new Bad(
                        "END_REQUEST of length 7",
                        "01 03 00 01 00 07 01 00 | 00 00 00 00 00 00 00 | 00",
                        "END_REQUEST record at byte 0: content length 7, but its body is " + "exactly 8 bytes"),
                new Bad(
                        "END_REQUEST of length 9",
                        "01 03 00 01 00 09 07 00",
                        "END_REQUEST record at byte 0: content length 9, but its body is " + "exactly 8 bytes"),
                new Bad(
                        "END_REQUEST of length 0",
                        "01 03 00 01 00 00 00 00",
                        "END_REQUEST record at byte 0: content length 0, but its body is " + "exactly 8 bytes"),
                new Bad(
                        "UNKNOWN_TYPE of length 1",
                        "01 0B 00 00 00 01 07 00",
                        "UNKNOWN_TYPE record at byte 0: content length 1, but its body is " + "exactly 8 bytes"),
                new Bad(
                        "type 0",
                        "01 00 00 01 00 00 00 00",
                        "record at byte 0: unknown type 0 (FastCGI 1.0 defines 1-11)"),
                new Bad(
                        "type 12",
                        "01 0C 00 01 00 00 00 00",
                        "record at byte 0: unknown type 12 (FastCGI 1.0 defines 1-11)"),
                new Bad(
                        "type 255 after a record",
                        STDOUT_16 + "01 FF 00 01 00 00 00 00",
                        "record at byte 16: unknown type 255 (FastCGI 1.0 defines 1-11)"),
                new Bad(
                        "undefined protocolStatus",
                        "01 03 00 01 00 08 00 00 | 00 00 00 00 04 00 00 00",
                        "END_REQUEST record at byte 0: protocolStatus 4 is not defined by " + "FastCGI 1.0 (0-3)"),
                new Bad(
                        "truncated name-value pair",
                        "01 0A 00 00 00 03 05 00 | 01 05 41 | 00 00 00 00 00",
                        "GET_VALUES_RESULT record at byte 0: name-value pair 1: truncated: "
                                + "name and value need 6 bytes, 1 remain"),
                new Bad(
                        "name-value pair length over the limit",
                        small,
                        "01 0A 00 00 00 06 02 00 | 01 80 00 00 80 41 | 00 00",
                        "GET_VALUES_RESULT record at byte 0: name-value pair 1: value length "
                                + "128 exceeds the limit of 16 bytes"),
                new Bad(
                        "GET_VALUES_RESULT over the name-value limit",
                        small,
                        "01 0A 00 00 00 28 00 00",
                        "GET_VALUES_RESULT record at byte 0: content length 40 exceeds the "
                                + "name-value limit of 32 bytes"),
                new Bad(
                        "a variable answered twice",
                        "01 0A 00 00 00 08 00 00 | 01 01 41 31 01 01 41 32",
                        "GET_VALUES_RESULT record at byte 0: variable A is answered twice"));
    }

    static Stream<Bad> sentByWebServers() {
        return Stream.of(
                        RecordType.BEGIN_REQUEST,
                        RecordType.ABORT_REQUEST,
                        RecordType.PARAMS,
                        RecordType.STDIN,
                        RecordType.DATA,
                        RecordType.GET_VALUES)
                .map(type -> new Bad(
                        type.name(),
                        String.format("01 %02X 00 01 00 00 00 00", type.code()),
                        type + " record at byte 0: type " + type.code()
                                + " is sent by a Web server, never by an application"));
    }

    @ParameterizedTest
    @MethodSource({"malformed", "sentByWebServers"})
    void rejectedWithAPreciseMessage(Bad bad) {
        ByteBuffer input = ByteBuffer.wrap(Bytes.hex(bad.hex()));
        RecordParser parser = bad.parser().get();
        FastCgiProtocolException e = assertThrows(
                FastCgiProtocolException.class,
                () -> {
                    while (parser.next(input) != null) {
                        // records before the bad one are fine
                    }
                },
                bad.name());
        assertEquals(bad.message(), e.getMessage(), bad.name());
    }

    @ParameterizedTest
    @MethodSource({"malformed", "sentByWebServers"})
    void rejectedAlikeWhenFedByteByByte(Bad bad) {
        FastCgiProtocolException e = assertThrows(
                FastCgiProtocolException.class,
                () -> ParsedEvents.parse(bad.parser().get(), ParsedEvents.bytewise(Bytes.hex(bad.hex()))),
                bad.name());
        assertEquals(bad.message(), e.getMessage(), bad.name());
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void aRejectingParserStaysUnusable(Bad bad) {
        RecordParser parser = bad.parser().get();
        ByteBuffer input = ByteBuffer.wrap(Bytes.hex(bad.hex()));
        assertThrows(FastCgiProtocolException.class, () -> {
            while (parser.next(input) != null) {
                // up to the fault
            }
        });
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> parser.next(ByteBuffer.wrap(Bytes.hex("01 06 00 01 00 00 00 00"))));
        assertEquals("the FastCGI input was rejected earlier: " + bad.message(), e.getMessage());
    }

    record Truncated(String name, String hex, String message) {}

    static Stream<Truncated> truncated() {
        return Stream.of(
                new Truncated(
                        "inside a header", "01 06 00", "input ended inside a record header at byte 0 (3 of 8 bytes)"),
                new Truncated(
                        "inside the next header",
                        STDOUT_16 + "01",
                        "input ended inside a record header at byte 16 (1 of 8 bytes)"),
                new Truncated(
                        "inside STDOUT content",
                        "01 06 00 01 00 05 03 00 68 65",
                        "input ended inside the content of the STDOUT record at byte 0 " + "(2 of 5 bytes)"),
                new Truncated(
                        "inside STDOUT padding",
                        "01 06 00 01 00 05 03 00 68 65 6C 6C 6F 00",
                        "input ended inside the padding of the STDOUT record at byte 0 " + "(1 of 3 bytes)"),
                new Truncated(
                        "inside END_REQUEST content",
                        "01 03 00 01 00 08 00 00 00 00 00",
                        "input ended inside the content of the END_REQUEST record at byte 0 " + "(3 of 8 bytes)"));
    }

    @ParameterizedTest
    @MethodSource("truncated")
    void inputEndingInsideARecordIsATruncatedResponse(Truncated t) {
        RecordParser parser = RecordParser.forRequest(1);
        FastCgiProtocolException e = assertThrows(
                FastCgiProtocolException.class,
                () -> ParsedEvents.parse(parser, List.of(ByteBuffer.wrap(Bytes.hex(t.hex())))),
                t.name());
        assertEquals(t.message(), e.getMessage(), t.name());
    }

    @Test
    void inputEndingBetweenRecordsIsFine() throws FastCgiProtocolException {
        RecordParser parser = RecordParser.forRequest(1);
        parser.endOfInput();
        assertNull(parser.next(ByteBuffer.allocate(0)));
        ByteBuffer input = ByteBuffer.wrap(Bytes.hex(STDOUT_16));
        while (parser.next(input) != null) {
            // drain
        }
        parser.endOfInput();
    }
}

package dev.gatehouse.fastcgi.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The constants against FastCGI 1.0 §8 and the record classifications of §3.3. */
class ConstantsTest {

    record TypeRow(RecordType type, int code, boolean management, boolean stream) {}

    static Stream<TypeRow> recordTypes() {
        return Stream.of(
                new TypeRow(RecordType.BEGIN_REQUEST, 1, false, false),
                new TypeRow(RecordType.ABORT_REQUEST, 2, false, false),
                new TypeRow(RecordType.END_REQUEST, 3, false, false),
                new TypeRow(RecordType.PARAMS, 4, false, true),
                new TypeRow(RecordType.STDIN, 5, false, true),
                new TypeRow(RecordType.STDOUT, 6, false, true),
                new TypeRow(RecordType.STDERR, 7, false, true),
                new TypeRow(RecordType.DATA, 8, false, true),
                new TypeRow(RecordType.GET_VALUES, 9, true, false),
                new TypeRow(RecordType.GET_VALUES_RESULT, 10, true, false),
                new TypeRow(RecordType.UNKNOWN_TYPE, 11, true, false));
    }

    @ParameterizedTest
    @MethodSource("recordTypes")
    void recordTypeCodesAndClassesFollowTheSpec(TypeRow row) {
        assertEquals(row.code(), row.type().code());
        assertEquals(row.management(), row.type().isManagement());
        assertEquals(row.stream(), row.type().isStream());
        assertEquals(Optional.of(row.type()), RecordType.fromCode(row.code()));
    }

    @Test
    void everyRecordTypeIsInTheTable() {
        assertEquals(RecordType.values().length, recordTypes().count());
    }

    record StreamRow(ByteStream stream, RecordType type, boolean sentByClient, String name) {}

    /** §5.3: the Web server sends STDIN and DATA, the application STDOUT and STDERR. */
    static Stream<StreamRow> byteStreams() {
        return Stream.of(
                new StreamRow(ByteStream.STDIN, RecordType.STDIN, true, "Stdin"),
                new StreamRow(ByteStream.DATA, RecordType.DATA, true, "Data"),
                new StreamRow(ByteStream.STDOUT, RecordType.STDOUT, false, "Stdout"),
                new StreamRow(ByteStream.STDERR, RecordType.STDERR, false, "Stderr"));
    }

    @ParameterizedTest
    @MethodSource("byteStreams")
    void byteStreamsHaveTheirRecordTypeAndSender(StreamRow row) {
        assertEquals(row.type(), row.stream().recordType());
        assertEquals(row.sentByClient(), row.stream().sentByClient());
        assertEquals(row.name(), row.stream().displayName());
        assertEquals(row.type(), StreamRecord.end(row.stream(), 1).type());
    }

    @Test
    void everyByteStreamIsInTheTable() {
        assertEquals(ByteStream.values().length, byteStreams().count());
    }

    @ParameterizedTest
    @MethodSource("undefinedTypeCodes")
    void undefinedTypeCodesHaveNoType(int code) {
        assertEquals(Optional.empty(), RecordType.fromCode(code));
    }

    static IntStream undefinedTypeCodes() {
        return IntStream.of(-1, 0, 12, 127, 255, 256);
    }

    record RoleRow(Role role, int code) {}

    static Stream<RoleRow> roles() {
        return Stream.of(new RoleRow(Role.RESPONDER, 1), new RoleRow(Role.AUTHORIZER, 2), new RoleRow(Role.FILTER, 3));
    }

    @ParameterizedTest
    @MethodSource("roles")
    void roleCodesFollowTheSpec(RoleRow row) {
        assertEquals(row.code(), row.role().code());
        assertEquals(Optional.of(row.role()), Role.fromCode(row.code()));
    }

    record StatusRow(ProtocolStatus status, int code) {}

    static Stream<StatusRow> statuses() {
        return Stream.of(
                new StatusRow(ProtocolStatus.REQUEST_COMPLETE, 0),
                new StatusRow(ProtocolStatus.CANT_MPX_CONN, 1),
                new StatusRow(ProtocolStatus.OVERLOADED, 2),
                new StatusRow(ProtocolStatus.UNKNOWN_ROLE, 3));
    }

    @ParameterizedTest
    @MethodSource("statuses")
    void protocolStatusCodesFollowTheSpec(StatusRow row) {
        assertEquals(row.code(), row.status().code());
        assertEquals(Optional.of(row.status()), ProtocolStatus.fromCode(row.code()));
    }

    @Test
    void undefinedRoleAndStatusCodesHaveNoValue() {
        assertEquals(Optional.empty(), Role.fromCode(0));
        assertEquals(Optional.empty(), Role.fromCode(4));
        assertEquals(Optional.empty(), ProtocolStatus.fromCode(4));
        assertEquals(Optional.empty(), ProtocolStatus.fromCode(-1));
    }

    @Test
    void numericConstantsFollowTheSpec() {
        assertEquals(1, FastCgi.VERSION_1);
        assertEquals(8, FastCgi.HEADER_LENGTH);
        assertEquals(0, FastCgi.NULL_REQUEST_ID);
        assertEquals(65535, FastCgi.MAX_REQUEST_ID);
        assertEquals(65535, FastCgi.MAX_CONTENT_LENGTH);
        assertEquals(255, FastCgi.MAX_PADDING_LENGTH);
        assertEquals(1, FastCgi.KEEP_CONN);
    }

    @Test
    void managementVariableNamesFollowTheSpec() {
        assertEquals("FCGI_MAX_CONNS", FastCgi.MAX_CONNS);
        assertEquals("FCGI_MAX_REQS", FastCgi.MAX_REQS);
        assertEquals("FCGI_MPXS_CONNS", FastCgi.MPXS_CONNS);
    }
}

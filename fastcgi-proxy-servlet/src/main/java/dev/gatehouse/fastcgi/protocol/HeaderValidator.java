package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;
import java.util.function.IntPredicate;

/**
 * Checks the header of a record received from an application before any of its content is
 * read (FastCGI 1.0 §3.3, §8): the version, a type an application sends, the request id, and
 * the content length the type allows. Messages name the record by type and byte offset.
 */
final class HeaderValidator {

    private HeaderValidator() {}

    /**
     * The header in {@code bytes} (eight bytes, positioned at the first).
     *
     * @param offset the header's byte offset in the connection's input, for messages
     * @param expectedRequestId which application request ids are expected
     * @param expectation what was expected instead, for messages
     * @param maxGetValuesResult the longest GET_VALUES_RESULT content accepted
     */
    static RecordHeader validate(
            ByteBuffer bytes, long offset, IntPredicate expectedRequestId, String expectation, int maxGetValuesResult)
            throws FastCgiProtocolException {
        int version = bytes.get() & 0xFF;
        int code = bytes.get() & 0xFF;
        int requestId = bytes.getShort() & 0xFFFF;
        int contentLength = bytes.getShort() & 0xFFFF;
        int paddingLength = bytes.get() & 0xFF;
        if (version != FastCgi.VERSION_1) {
            throw new FastCgiProtocolException("record at byte " + offset + ": version " + version
                    + ", but FastCGI 1.0 has version " + FastCgi.VERSION_1);
        }
        RecordType type = sentByApplication(code, offset);
        String where = type + " record at byte " + offset;
        checkRequestId(type, requestId, expectedRequestId, expectation, where);
        checkContentLength(type, contentLength, maxGetValuesResult, where);
        return new RecordHeader(type, requestId, contentLength, paddingLength);
    }

    private static RecordType sentByApplication(int code, long offset) throws FastCgiProtocolException {
        RecordType type = RecordType.fromCode(code)
                .orElseThrow(() -> new FastCgiProtocolException(
                        "record at byte " + offset + ": unknown type " + code + " (FastCGI 1.0 defines 1-11)"));
        return switch (type) {
            case STDOUT, STDERR, END_REQUEST, GET_VALUES_RESULT, UNKNOWN_TYPE -> type;
            default -> throw new FastCgiProtocolException(type + " record at byte " + offset + ": type " + code
                    + " is sent by a Web server, never by an application");
        };
    }

    private static void checkRequestId(
            RecordType type, int requestId, IntPredicate expectedRequestId, String expectation, String where)
            throws FastCgiProtocolException {
        if (type.isManagement()) {
            if (requestId != FastCgi.NULL_REQUEST_ID) {
                throw new FastCgiProtocolException(
                        where + ": request id " + requestId + ", but a management record has request id 0");
            }
        } else if (requestId == FastCgi.NULL_REQUEST_ID || !expectedRequestId.test(requestId)) {
            throw new FastCgiProtocolException(where + ": request id " + requestId + ", " + expectation);
        }
    }

    private static void checkContentLength(RecordType type, int contentLength, int maxGetValuesResult, String where)
            throws FastCgiProtocolException {
        int expected = DiscreteContent.expectedLength(type);
        if (expected >= 0 && contentLength != expected) {
            throw new FastCgiProtocolException(
                    where + ": content length " + contentLength + ", but its body is exactly " + expected + " bytes");
        }
        if (type == RecordType.GET_VALUES_RESULT && contentLength > maxGetValuesResult) {
            throw new FastCgiProtocolException(where + ": content length " + contentLength
                    + " exceeds the name-value limit of " + maxGetValuesResult + " bytes");
        }
    }
}

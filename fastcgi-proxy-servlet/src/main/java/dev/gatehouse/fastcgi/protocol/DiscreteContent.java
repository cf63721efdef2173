package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the content of the discrete records an application sends: {@code FCGI_EndRequestBody}
 * (FastCGI 1.0 §5.5), {@code FCGI_UnknownTypeBody} (§4.2) and the name-value pairs of
 * GET_VALUES_RESULT (§4.1). Content lengths were checked from the header before the content was
 * collected; see {@link #expectedLength}.
 */
final class DiscreteContent {

    /** The length of {@code FCGI_EndRequestBody} and of {@code FCGI_UnknownTypeBody}. */
    static final int BODY_LENGTH = 8;

    private DiscreteContent() {}

    /** The exact content length of {@code type}, or -1 if it varies. */
    static int expectedLength(RecordType type) {
        return type == RecordType.END_REQUEST || type == RecordType.UNKNOWN_TYPE ? BODY_LENGTH : -1;
    }

    /**
     * The record whose complete content is {@code content}.
     *
     * @param where the record's description for messages, e.g. "END_REQUEST record at byte 0"
     */
    static ServerRecord decode(RecordHeader header, ByteBuffer content, NameValuePairs pairs, String where)
            throws FastCgiProtocolException {
        return switch (header.type()) {
            case END_REQUEST -> endRequest(header.requestId(), content, where);
            case UNKNOWN_TYPE -> new UnknownType(content.get() & 0xFF);
            case GET_VALUES_RESULT -> getValuesResult(content, pairs, where);
            default -> throw new IllegalArgumentException(
                    "not a discrete record from an " + "application: " + header.type());
        };
    }

    private static EndRequest endRequest(int requestId, ByteBuffer content, String where)
            throws FastCgiProtocolException {
        long appStatus = content.getInt() & 0xFFFF_FFFFL;
        int code = content.get() & 0xFF;
        ProtocolStatus status = ProtocolStatus.fromCode(code)
                .orElseThrow(() -> new FastCgiProtocolException(
                        where + ": protocolStatus " + code + " is not defined by FastCGI 1.0 (0-3)"));
        return new EndRequest(requestId, appStatus, status);
    }

    private static GetValuesResult getValuesResult(ByteBuffer content, NameValuePairs pairs, String where)
            throws FastCgiProtocolException {
        List<NameValuePair> decoded;
        try {
            decoded = pairs.decode(content);
        } catch (FastCgiProtocolException e) {
            throw new FastCgiProtocolException(where + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (NameValuePair pair : decoded) {
            if (values.putIfAbsent(pair.name(), pair.value()) != null) {
                throw new FastCgiProtocolException(where + ": variable " + pair.name() + " is answered twice");
            }
        }
        return new GetValuesResult(values);
    }
}

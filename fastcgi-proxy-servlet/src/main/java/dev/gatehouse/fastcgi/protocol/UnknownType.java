package dev.gatehouse.fastcgi.protocol;

/**
 * {@code FCGI_UNKNOWN_TYPE} (FastCGI 1.0 §4.2): the application did not understand a management
 * record the client sent. A management record (request id 0) whose content is
 * {@code FCGI_UnknownTypeBody}: the type byte and seven reserved bytes.
 *
 * @param unknownType the body's {@code type}: the code of the record type the application did
 *     not understand, 0–255
 */
public record UnknownType(int unknownType) implements ServerRecord {

    public UnknownType {
        if (unknownType < 0 || unknownType > 0xFF) {
            throw new IllegalArgumentException("unknownType must be 0-255: " + unknownType);
        }
    }

    @Override
    public RecordType type() {
        return RecordType.UNKNOWN_TYPE;
    }

    @Override
    public int requestId() {
        return FastCgi.NULL_REQUEST_ID;
    }
}

package dev.gatehouse.fastcgi.protocol;

/**
 * A FastCGI 1.0 record as a value (FastCGI 1.0 §3.3): its type, its request id and its decoded
 * content; version, lengths and padding are the codec's business. The client side (the
 * specification's "Web server", here Gatehouse) sends {@link ClientRecord}s and receives
 * {@link ServerRecord}s from the server side (the specification's "application", e.g. php-fpm).
 *
 * <p>Implementations are immutable records. Those with byte content share their bytes with the
 * buffer they were made from (zero-copy) and expose read-only views of them.
 */
public sealed interface FastCgiRecord permits ClientRecord, ServerRecord {

    /** The record type, the header's {@code type} byte. */
    RecordType type();

    /** The request id; {@link FastCgi#NULL_REQUEST_ID} for management records (§3.3). */
    int requestId();
}

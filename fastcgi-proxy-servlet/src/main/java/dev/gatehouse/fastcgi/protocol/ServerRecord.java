package dev.gatehouse.fastcgi.protocol;

/**
 * A record the application sends to the client (FastCGI 1.0's "Web server"): STDOUT and STDERR
 * (§5.3), END_REQUEST (§5.5), GET_VALUES_RESULT (§4.1) and UNKNOWN_TYPE (§4.2).
 * {@link RecordParser} turns bytes into them. A {@link StreamRecord} is also a
 * {@link ClientRecord}; the parser produces only the streams the application sends, STDOUT and
 * STDERR.
 */
public sealed interface ServerRecord extends FastCgiRecord
        permits StreamRecord, EndRequest, GetValuesResult, UnknownType {}

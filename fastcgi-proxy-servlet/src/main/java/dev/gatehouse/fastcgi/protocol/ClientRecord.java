package dev.gatehouse.fastcgi.protocol;

/**
 * A record the client (FastCGI 1.0's "Web server") sends to the application: BEGIN_REQUEST
 * (§5.1), PARAMS (§5.2), STDIN and DATA (§5.3), ABORT_REQUEST (§5.4) and GET_VALUES (§4.1).
 * {@link RecordWriter} turns them into bytes. A {@link StreamRecord} is also a
 * {@link ServerRecord}; the writer accepts only the streams the client sends, STDIN and DATA.
 */
public sealed interface ClientRecord extends FastCgiRecord
        permits BeginRequest, Params, StreamRecord, AbortRequest, GetValues {}

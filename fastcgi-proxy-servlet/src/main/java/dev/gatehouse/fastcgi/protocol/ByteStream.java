package dev.gatehouse.fastcgi.protocol;

import java.util.Locale;

/**
 * The four byte streams of FastCGI 1.0 §5.3, the kind of a {@link StreamRecord}, with the side
 * that sends each: the Web server (here the client, Gatehouse) sends STDIN and DATA, the
 * application sends STDOUT and STDERR. {@link RecordWriter} writes only the former and
 * {@link RecordParser} produces only the latter, so a stream can never go the wrong way.
 */
public enum ByteStream {
    /** {@code FCGI_STDIN}: the request body, to the application. */
    STDIN(RecordType.STDIN, true),
    /** {@code FCGI_DATA}: the Filter role's data file, to the application (§6.4). */
    DATA(RecordType.DATA, true),
    /** {@code FCGI_STDOUT}: the CGI response, header block and body, from the application. */
    STDOUT(RecordType.STDOUT, false),
    /** {@code FCGI_STDERR}: the application's error output. */
    STDERR(RecordType.STDERR, false);

    private final RecordType recordType;
    private final boolean sentByClient;
    private final String displayName;

    ByteStream(RecordType recordType, boolean sentByClient) {
        this.recordType = recordType;
        this.sentByClient = sentByClient;
        this.displayName = name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }

    /** The type of the records that carry this stream. */
    public RecordType recordType() {
        return recordType;
    }

    /** Whether the client (the Web server) sends it, STDIN and DATA, rather than the application. */
    public boolean sentByClient() {
        return sentByClient;
    }

    /** "Stdin", "Data", "Stdout" or "Stderr": the record's name in its text form. */
    String displayName() {
        return displayName;
    }
}

package dev.gatehouse.cgi.meta;

import java.util.List;
import java.util.Objects;

/**
 * A parsed CGI response header block (RFC 3875 §6.2–6.3).
 *
 * @param kind which of the §6.2 response types this is
 * @param status the HTTP status to send: from the Status field, 302 for a client redirect
 *     without one, else 200
 * @param location the Location field, or null
 * @param headers every other header field, in order, repeated names kept (Set-Cookie); the
 *     Status and Location fields and hop-by-hop fields are not included
 */
public record CgiResponseHead(Kind kind, int status, String location, List<Field> headers) {

    /** RFC 3875 §6.2: the four response types. */
    public enum Kind {
        /** §6.2.1: a document with a Content-Type. */
        DOCUMENT,
        /** §6.2.2: a local path in Location; the server answers with that resource instead. */
        LOCAL_REDIRECT,
        /** §6.2.3 and §6.2.4: an absolute URI in Location, with or without a document. */
        CLIENT_REDIRECT
    }

    /** One header field as the program wrote it, name case kept. */
    public record Field(String name, String value) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public CgiResponseHead {
        Objects.requireNonNull(kind, "kind");
        headers = List.copyOf(headers);
    }

    /** The value of the first field with that name (case-insensitive), or null. */
    public String header(String name) {
        for (Field field : headers) {
            if (field.name().equalsIgnoreCase(name)) {
                return field.value();
            }
        }
        return null;
    }
}

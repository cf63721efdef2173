package dev.gatehouse.fastcgi.protocol;

import java.util.List;

/**
 * {@code FCGI_GET_VALUES} (FastCGI 1.0 §4.1): the client queries management variables such as
 * {@link FastCgi#MAX_CONNS}, {@link FastCgi#MAX_REQS} and {@link FastCgi#MPXS_CONNS}. A
 * management record (request id 0) whose content is name-value pairs with empty values.
 *
 * @param names the variables asked for, in order, without duplicates
 */
public record GetValues(List<String> names) implements ClientRecord {

    public GetValues {
        names = List.copyOf(names);
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("GET_VALUES names repeat: " + names);
        }
    }

    /** A query for the three variables of FastCGI 1.0: max conns, max reqs, mpxs conns. */
    public static GetValues standard() {
        return new GetValues(List.of(FastCgi.MAX_CONNS, FastCgi.MAX_REQS, FastCgi.MPXS_CONNS));
    }

    @Override
    public RecordType type() {
        return RecordType.GET_VALUES;
    }

    @Override
    public int requestId() {
        return FastCgi.NULL_REQUEST_ID;
    }
}

package dev.gatehouse.fastcgi.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code FCGI_GET_VALUES_RESULT} (FastCGI 1.0 §4.1): the application's answer to
 * {@link GetValues}, a management record (request id 0) of name-value pairs. Variables the
 * application does not know are left out.
 *
 * @param values the variables and their values, in the order received
 */
public record GetValuesResult(Map<String, String> values) implements ServerRecord {

    public GetValuesResult {
        values.forEach((name, value) -> {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        });
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value of {@code name}, if the application answered it. */
    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    @Override
    public RecordType type() {
        return RecordType.GET_VALUES_RESULT;
    }

    @Override
    public int requestId() {
        return FastCgi.NULL_REQUEST_ID;
    }
}

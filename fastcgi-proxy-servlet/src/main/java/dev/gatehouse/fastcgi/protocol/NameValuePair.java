package dev.gatehouse.fastcgi.protocol;

import java.util.Objects;

/**
 * One name-value pair of a PARAMS stream or a GET_VALUES / GET_VALUES_RESULT record (FastCGI
 * 1.0 §3.4), for example a CGI meta-variable. On the wire names and values are byte strings;
 * {@link NameValuePairs} encodes and decodes these Java strings as UTF-8.
 *
 * @param name the name, not empty
 * @param value the value, possibly empty
 */
public record NameValuePair(String name, String value) {

    public NameValuePair {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name-value pair with an empty name");
        }
    }
}

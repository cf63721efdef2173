package dev.gatehouse.cgi.meta;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What may reach a gateway program besides the request itself.
 *
 * @param serverSoftware value of SERVER_SOFTWARE
 * @param passAuthorization whether the Authorization header is passed as HTTP_AUTHORIZATION;
 *     off by default since it hands the client's credentials to every script
 * @param inherited the variables of the server's own environment to pass on, by name
 * @param extra fixed variables from the configuration, added last in their iteration order
 *     (they win)
 */
public record MetaVariablePolicy(
        String serverSoftware, boolean passAuthorization, List<String> inherited, Map<String, String> extra) {

    public MetaVariablePolicy {
        Objects.requireNonNull(serverSoftware, "serverSoftware");
        inherited = List.copyOf(inherited);
        // in the configured order, so the variables come out in the same order on every run
        extra.forEach((name, value) -> Objects.requireNonNull(value, name));
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }
}

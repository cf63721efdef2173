package dev.gatehouse.fastcgi.mapping;

import dev.gatehouse.cgi.meta.CgiRequest;
import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.cgi.meta.MetaVariables;
import dev.gatehouse.cgi.meta.ScriptLocation;
import dev.gatehouse.fastcgi.protocol.NameValuePair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The PARAMS of a FastCGI RESPONDER request (FastCGI 1.0 §5.2, §6.2): the CGI/1.1
 * meta-variables of RFC 3875 §4.1 built by the shared {@link MetaVariables}, so FastCGI and CGI
 * applications see the same variables with the same security defaults (no HTTP_PROXY, no
 * header names but letters, digits and {@code -}, HTTP_AUTHORIZATION only when enabled).
 *
 * <p>Beyond RFC 3875, nginx's {@code fastcgi_params} adds REQUEST_URI, DOCUMENT_URI,
 * DOCUMENT_ROOT, SCRIPT_FILENAME, REMOTE_PORT, SERVER_ADDR, REQUEST_SCHEME, HTTPS and
 * REDIRECT_STATUS; {@link MetaVariables} emits all of them (DOCUMENT_URI from
 * {@link ScriptLocation#documentUri()}). The server's own environment is never passed: the
 * application runs in its own process with its own. The configured extra params come last and
 * win over a meta-variable of the same name.
 */
public final class FastCgiParams {

    private FastCgiParams() {}

    /**
     * What reaches the application besides the request: no inherited environment; Authorization
     * when {@code passAuthorization}, and the configured extra params.
     */
    public static MetaVariablePolicy policy(
            String serverSoftware, boolean passAuthorization, Map<String, String> params) {
        return new MetaVariablePolicy(serverSoftware, passAuthorization, List.of(), params);
    }

    /** The PARAMS for one request to one script, in the order of {@link MetaVariables#of}. */
    public static List<NameValuePair> of(CgiRequest request, ScriptLocation location, MetaVariablePolicy policy) {
        Map<String, String> variables = MetaVariables.of(request, location, policy, Map.of());
        List<NameValuePair> params = new ArrayList<>(variables.size());
        variables.forEach((name, value) -> params.add(new NameValuePair(name, value)));
        return List.copyOf(params);
    }
}

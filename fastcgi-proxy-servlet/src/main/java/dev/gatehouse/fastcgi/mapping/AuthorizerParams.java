package dev.gatehouse.fastcgi.mapping;

import dev.gatehouse.cgi.meta.CgiRequest;
import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.cgi.meta.MetaVariables;
import dev.gatehouse.cgi.meta.ScriptLocation;
import dev.gatehouse.fastcgi.protocol.NameValuePair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PARAMS of a FastCGI AUTHORIZER request (FastCGI 1.0 §6.3): the request's CGI/1.1
 * meta-variables, built by the shared {@link MetaVariables} as for a Responder, except that
 * "the Web server does not send CONTENT_LENGTH, PATH_INFO, PATH_TRANSLATED, and SCRIPT_NAME":
 * no script has been chosen yet, and the body is not the authorizer's (no STDIN is sent either,
 * as with Apache's mod_authnz_fcgi). What was requested reaches it as REQUEST_URI (as sent,
 * with the query) and DOCUMENT_URI (the decoded path, context path included). FCGI_ROLE is
 * {@code AUTHORIZER}, as mod_authnz_fcgi sends it; there is no SCRIPT_FILENAME or DOCUMENT_ROOT.
 */
public final class AuthorizerParams {

    /** Left out for an authorizer, FastCGI 1.0 §6.3. */
    static final List<String> NOT_SENT = List.of("CONTENT_LENGTH", "PATH_INFO", "PATH_TRANSLATED", "SCRIPT_NAME");

    private AuthorizerParams() {}

    /**
     * @param request the request being authorized
     * @param path the decoded request path, context path included: DOCUMENT_URI
     * @param policy what reaches the authorizer besides the request (HTTP_AUTHORIZATION, extras)
     */
    public static List<NameValuePair> of(CgiRequest request, String path, MetaVariablePolicy policy) {
        ScriptLocation location = new ScriptLocation(path, "", null, null, null, path);
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("FCGI_ROLE", "AUTHORIZER");
        variables.putAll(MetaVariables.of(request, location, policy, Map.of()));
        NOT_SENT.forEach(variables::remove);
        policy.extra().forEach(variables::put); // configured extras win, even over the removed names
        List<NameValuePair> params = new ArrayList<>(variables.size());
        variables.forEach((name, value) -> params.add(new NameValuePair(name, value)));
        return List.copyOf(params);
    }
}

package dev.gatehouse.cgi.meta;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the meta-variables of RFC 3875 §4.1, the common extensions (REQUEST_URI,
 * SCRIPT_FILENAME, DOCUMENT_ROOT, DOCUMENT_URI when the location has one, REMOTE_PORT,
 * SERVER_ADDR, REQUEST_SCHEME, HTTPS, REDIRECT_STATUS) and the protocol-specific HTTP_* variables (§4.1.18), in that order.
 *
 * <p>Request headers are passed as HTTP_* except: Content-Type and Content-Length (they are
 * CONTENT_TYPE and CONTENT_LENGTH); {@code Proxy}, never (httpoxy, CVE-2016-5388);
 * {@code Proxy-Authorization}, never (credentials for a proxy, not for the script);
 * {@code Authorization}, unless the policy allows it; and any header whose name holds anything
 * but letters, digits and {@code -} (as Apache 2.4 and nginx's {@code ignore_invalid_headers}
 * do): {@code X_Foo} and {@code X-Foo} would both become HTTP_X_FOO, and PHP turns {@code .}
 * (and other characters) into {@code _} when it fills {@code $_SERVER}, so {@code X.Forwarded.For}
 * would arrive as HTTP_X_FORWARDED_FOR — either could forge the genuine header.
 *
 * <p>The same variables serve CGI (the process environment) and FastCGI (PARAMS).
 */
public final class MetaVariables {

    /** CGI/1.1, RFC 3875 §4.1.4. */
    public static final String GATEWAY_INTERFACE = "CGI/1.1";

    private MetaVariables() {}

    /**
     * The meta-variables for one request, in RFC order. Variables that RFC 3875 says are
     * "NULL" for this request are left out rather than set empty, except QUERY_STRING which
     * §4.1.7 requires to be set.
     */
    public static Map<String, String> of(
            CgiRequest request,
            ScriptLocation location,
            MetaVariablePolicy policy,
            Map<String, String> serverEnvironment) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : policy.inherited()) {
            String value = serverEnvironment.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        putIfPresent(env, "AUTH_TYPE", request.client().authType());
        // §4.1.2: set when the request declares its body's length: a Content-Length field (even
        // 0, as some clients send on GET) or a chunked body spooled to learn it.
        if (request.body().length() >= 0) {
            env.put("CONTENT_LENGTH", Long.toString(request.body().length()));
        }
        putIfPresent(env, "CONTENT_TYPE", request.body().type());
        env.put("GATEWAY_INTERFACE", GATEWAY_INTERFACE);
        if (!location.pathInfo().isEmpty()) {
            env.put("PATH_INFO", location.pathInfo());
            putIfPresent(env, "PATH_TRANSLATED", location.pathTranslated());
        }
        env.put("QUERY_STRING", request.target().query());
        env.put("REMOTE_ADDR", request.client().addr());
        env.put(
                "REMOTE_HOST",
                request.client().host() != null
                        ? request.client().host()
                        : request.client().addr());
        putIfPresent(env, "REMOTE_USER", request.client().user());
        env.put("REQUEST_METHOD", request.method());
        env.put("SCRIPT_NAME", location.scriptName());
        env.put("SERVER_NAME", request.server().name());
        env.put("SERVER_PORT", Integer.toString(request.server().port()));
        env.put("SERVER_PROTOCOL", request.protocol());
        env.put("SERVER_SOFTWARE", policy.serverSoftware());

        String query = request.target().query();
        env.put(
                "REQUEST_URI",
                query.isEmpty() ? request.target().uri() : request.target().uri() + "?" + query);
        putIfPresent(env, "SCRIPT_FILENAME", location.scriptFilename());
        putIfPresent(env, "DOCUMENT_ROOT", location.documentRoot());
        putIfPresent(env, "DOCUMENT_URI", location.documentUri());
        env.put("REMOTE_PORT", Integer.toString(request.client().port()));
        putIfPresent(env, "SERVER_ADDR", request.server().addr());
        env.put("REQUEST_SCHEME", request.server().scheme());
        if (request.server().secure()) {
            env.put("HTTPS", "on");
        }
        // php-cgi refuses to run (force-cgi-redirect) unless this is set.
        env.put("REDIRECT_STATUS", "200");

        Map<String, String> http = new LinkedHashMap<>();
        for (CgiRequest.Header header : request.headers()) {
            String variable = httpVariableName(header.name(), policy.passAuthorization());
            if (variable != null && !header.values().isEmpty()) {
                String separator = variable.equals("HTTP_COOKIE") ? "; " : ", ";
                http.merge(variable, String.join(separator, header.values()), (a, b) -> a + separator + b);
            }
        }
        // the request's own variables replace an inherited one of the same name
        http.keySet().forEach(env::remove);
        env.putAll(http);
        env.putAll(policy.extra());
        return env;
    }

    /**
     * The HTTP_* name for a request header (RFC 3875 §4.1.18), or null when the header must not
     * be passed.
     */
    public static String httpVariableName(String headerName, boolean passAuthorization) {
        if (headerName.isEmpty() || !isSafeToken(headerName)) {
            return null;
        }
        String lower = headerName.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "content-type",
                    "content-length",
                    "proxy",
                    "proxy-authorization",
                    "connection",
                    "transfer-encoding" -> {
                return null;
            }
            case "authorization" -> {
                if (!passAuthorization) {
                    return null;
                }
            }
            default -> {}
        }
        return "HTTP_" + headerName.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * Letters, digits and {@code -} only: the part of RFC 9110's token that maps to a variable
     * name one way, with no character a gateway or PHP folds into {@code _}.
     */
    private static boolean isSafeToken(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void putIfPresent(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }
}

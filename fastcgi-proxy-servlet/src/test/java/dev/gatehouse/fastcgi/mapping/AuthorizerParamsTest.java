package dev.gatehouse.fastcgi.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.cgi.meta.CgiRequest;
import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.fastcgi.protocol.NameValuePair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizerParamsTest {

    private static final CgiRequest POST = new CgiRequest(
            "POST",
            "HTTP/1.1",
            new CgiRequest.Target("/ctx/admin/save.php/x", "a=1"),
            new CgiRequest.Server("http", false, "example.org", 80, "198.51.100.1"),
            new CgiRequest.Client("203.0.113.9", null, 40000, null, null),
            new CgiRequest.Body("application/x-www-form-urlencoded", 11),
            List.of(
                    new CgiRequest.Header("Authorization", List.of("Basic YWxpY2U6c2VjcmV0")),
                    new CgiRequest.Header("Content-Length", List.of("11"))));

    private static Map<String, String> params(MetaVariablePolicy policy) {
        Map<String, String> map = new LinkedHashMap<>();
        for (NameValuePair pair : AuthorizerParams.of(POST, "/ctx/admin/save.php/x", policy)) {
            map.put(pair.name(), pair.value());
        }
        return map;
    }

    @Test
    void theRequestsMetaVariablesWithoutWhatSection63Excludes() {
        Map<String, String> params = params(new MetaVariablePolicy("Gatehouse", true, List.of(), Map.of()));
        assertEquals(
                new LinkedHashMap<>(Map.ofEntries(
                        Map.entry("FCGI_ROLE", "AUTHORIZER"),
                        Map.entry("CONTENT_TYPE", "application/x-www-form-urlencoded"),
                        Map.entry("GATEWAY_INTERFACE", "CGI/1.1"),
                        Map.entry("QUERY_STRING", "a=1"),
                        Map.entry("REMOTE_ADDR", "203.0.113.9"),
                        Map.entry("REMOTE_HOST", "203.0.113.9"),
                        Map.entry("REQUEST_METHOD", "POST"),
                        Map.entry("SERVER_NAME", "example.org"),
                        Map.entry("SERVER_PORT", "80"),
                        Map.entry("SERVER_PROTOCOL", "HTTP/1.1"),
                        Map.entry("SERVER_SOFTWARE", "Gatehouse"),
                        Map.entry("REQUEST_URI", "/ctx/admin/save.php/x?a=1"),
                        Map.entry("DOCUMENT_URI", "/ctx/admin/save.php/x"),
                        Map.entry("REMOTE_PORT", "40000"),
                        Map.entry("SERVER_ADDR", "198.51.100.1"),
                        Map.entry("REQUEST_SCHEME", "http"),
                        Map.entry("REDIRECT_STATUS", "200"),
                        Map.entry("HTTP_AUTHORIZATION", "Basic YWxpY2U6c2VjcmV0"))),
                params);
        assertEquals(
                List.of("FCGI_ROLE", "CONTENT_TYPE", "GATEWAY_INTERFACE"),
                params.keySet().stream().limit(3).toList(),
                "FCGI_ROLE first, then RFC 3875 order");
    }

    @Test
    void authorizationOnlyWhenAllowedAndExtrasWin() {
        Map<String, String> params = params(new MetaVariablePolicy(
                "Gatehouse", false, List.of(), Map.of("REALM", "staff", "SCRIPT_NAME", "/auth")));
        assertEquals(null, params.get("HTTP_AUTHORIZATION"));
        assertEquals("staff", params.get("REALM"));
        assertEquals("/auth", params.get("SCRIPT_NAME"), "a configured param is sent even if §6.3 leaves it out");
        assertEquals(null, params.get("CONTENT_LENGTH"));
    }
}

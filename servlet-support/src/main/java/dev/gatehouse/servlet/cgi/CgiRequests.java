package dev.gatehouse.servlet.cgi;

import dev.gatehouse.cgi.meta.CgiRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Copies the parts of a servlet request that RFC 3875 turns into meta-variables into a {@link
 * CgiRequest}, the container-free model that {@code cgi.meta} builds them from. The one place a
 * servlet request becomes a CGI request, for the CGI servlet, the FastCGI proxy and its
 * authorizer alike.
 */
public final class CgiRequests {

    private CgiRequests() {}

    /** Copies the values out of a servlet request. */
    public static CgiRequest from(HttpServletRequest request) {
        List<CgiRequest.Header> headers = new ArrayList<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.add(new CgiRequest.Header(name, Collections.list(request.getHeaders(name))));
        }
        return new CgiRequest(
                request.getMethod(),
                request.getProtocol(),
                new CgiRequest.Target(request.getRequestURI(), request.getQueryString()),
                new CgiRequest.Server(
                        request.getScheme(),
                        request.isSecure(),
                        request.getServerName(),
                        request.getServerPort(),
                        request.getLocalAddr()),
                new CgiRequest.Client(
                        request.getRemoteAddr(),
                        request.getRemoteHost(),
                        request.getRemotePort(),
                        request.getAuthType(),
                        request.getRemoteUser()),
                new CgiRequest.Body(request.getContentType(), request.getContentLengthLong()),
                headers);
    }
}

package dev.gatehouse.servlet.cgi;

import dev.gatehouse.cgi.meta.CgiResponseHead;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Writes a parsed CGI response head onto a servlet response: status, Location for client
 * redirects, Content-Type and Content-Length through their setters, every other field added
 * as sent (so repeated Set-Cookie fields all arrive). Shared by the CGI servlet and the FastCGI
 * proxy.
 */
public final class ResponseHeadWriter {

    private ResponseHeadWriter() {}

    /** Applies a {@link CgiResponseHead.Kind#DOCUMENT} or client-redirect head. */
    public static void apply(CgiResponseHead head, HttpServletResponse response) {
        if (head.kind() == CgiResponseHead.Kind.LOCAL_REDIRECT) {
            throw new IllegalArgumentException("a local redirect is dispatched, not written");
        }
        response.setStatus(head.status());
        if (head.location() != null) {
            response.setHeader("Location", head.location());
        }
        for (CgiResponseHead.Field field : head.headers()) {
            String name = field.name();
            if (name.equalsIgnoreCase("Content-Type")) {
                response.setContentType(field.value());
            } else if (name.equalsIgnoreCase("Content-Length")) {
                try {
                    response.setContentLengthLong(Long.parseLong(field.value()));
                } catch (NumberFormatException e) {
                    // an unusable length is dropped: the container then frames the body itself
                }
            } else {
                response.addHeader(name, field.value());
            }
        }
    }
}

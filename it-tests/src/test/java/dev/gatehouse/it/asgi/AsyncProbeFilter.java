package dev.gatehouse.it.asgi;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Records, for a request with a {@code t=TOKEN} query, whether its first dispatch returned with the
 * request async ({@code TOKEN.async} = {@code true} or {@code false}): how a test sees whether the
 * bridge answered within the dispatch or took the non-blocking path.
 */
public final class AsyncProbeFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
        String query = ((jakarta.servlet.http.HttpServletRequest) request).getQueryString();
        if (request.getDispatcherType() == DispatcherType.REQUEST && query != null) {
            String token = Probe.token(query.getBytes(StandardCharsets.ISO_8859_1));
            Probe.record(token + ".async", Boolean.toString(request.isAsyncStarted()));
        }
    }
}

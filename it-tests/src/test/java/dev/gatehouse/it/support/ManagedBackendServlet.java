package dev.gatehouse.it.support;

import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.fastcgi.managed.ManagedBackend;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * Test-only window on a {@link FastCgiProxyServlet}'s managed backend: {@code GET .../NAME}
 * answers {@code kind=K pid=P pids=P,W1,W2 dir=/tmp/... restarts=R} for the proxy servlet named
 * NAME in the same context, 404 when it has none.
 */
public final class ManagedBackendServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
        Object attribute = getServletContext().getAttribute(FastCgiProxyServlet.backendAttribute(name));
        if (!(attribute instanceof ManagedBackend backend)) {
            response.sendError(404);
            return;
        }
        response.setContentType("text/plain");
        response.getWriter()
                .print("kind=" + backend.kind().paramValue() + " pid=" + backend.pid() + " pids="
                        + backend.pids().stream().map(String::valueOf).collect(Collectors.joining(","))
                        + " dir=" + backend.directory() + " restarts=" + backend.restarts());
    }
}

package dev.gatehouse.it.support;

import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.fastcgi.client.BackendStats;
import dev.gatehouse.fastcgi.client.ClientStats;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Test-only window on a {@link FastCgiProxyServlet}'s client: {@code GET .../NAME} answers the
 * pool of the proxy servlet named NAME in the same context as
 * {@code queued=Q busy=B open=O peakOpen=P}, summed over its backends.
 */
public final class FastCgiStatsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
        Object attribute = getServletContext().getAttribute(FastCgiProxyServlet.statsAttribute(name));
        if (!(attribute instanceof Supplier<?> supplier)) {
            response.sendError(404);
            return;
        }
        ClientStats stats = (ClientStats) supplier.get();
        int busy = 0;
        int open = 0;
        int peak = 0;
        for (BackendStats backend : stats.backends()) {
            busy += backend.busy();
            open += backend.open();
            peak += backend.peakOpen();
        }
        response.setContentType("text/plain");
        response.getWriter()
                .print("queued=" + stats.queued() + " busy=" + busy + " open=" + open + " peakOpen=" + peak);
    }
}

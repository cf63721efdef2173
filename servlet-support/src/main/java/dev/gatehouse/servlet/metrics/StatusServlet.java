package dev.gatehouse.servlet.metrics;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The status page, as Apache's {@code mod_status}: off unless mapped, it renders the figures of
 * every Gatehouse servlet and filter of its own web application (the {@link MetricsRegistry} in
 * the servlet context) as text for a person, {@code ?format=json} for scripts, or {@code
 * ?format=prometheus} (text exposition format 0.0.4) for a Prometheus server to scrape. Nothing
 * about the environment, the configuration or any request's contents: counts, gauges and states
 * only. Keep it private (a security constraint, or a filter that admits only localhost): the
 * README shows both.
 */
public class StatusServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String format = request.getParameter("format");
        List<MetricSet> sets = MetricsRegistry.of(getServletContext()).sets();
        String body;
        String type;
        if (format == null || format.equals("text")) {
            body = TextFormat.render(sets);
            type = TextFormat.CONTENT_TYPE;
        } else if (format.equals("json")) {
            body = JsonFormat.render(sets);
            type = JsonFormat.CONTENT_TYPE;
        } else if (format.equals("prometheus")) {
            body = PrometheusFormat.render(sets);
            type = PrometheusFormat.CONTENT_TYPE;
        } else {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "format must be text, json or prometheus");
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(type);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}

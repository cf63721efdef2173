package dev.gatehouse.servlet.metrics;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Admits only clients on the loopback interface (127.0.0.0/8, ::1) and answers 403 to any other:
 * the simplest way to keep the {@link StatusServlet} private, as {@code mod_status} is usually
 * kept with {@code Require local}. Behind a reverse proxy every client looks local; use a security
 * constraint there instead (see the README).
 */
public class LoopbackOnlyFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (loopback(request.getRemoteAddr())) {
            chain.doFilter(request, response);
        } else {
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
        }
    }

    static boolean loopback(String address) {
        if (address == null || address.isEmpty() || !address.matches("[0-9a-fA-F.:%\\[\\]]+")) {
            return false; // a literal address only: never a name lookup
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

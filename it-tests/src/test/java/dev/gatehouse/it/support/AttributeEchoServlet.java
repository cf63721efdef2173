package dev.gatehouse.it.support;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A protected resource for the authorizer tests: answers the request attributes USER, ROLE and
 * SEEN (what an authorizer put there), the dispatcher type, and the length and SHA-256 of the
 * body it read, one {@code name=value} per line.
 */
public class AttributeEchoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = request.getInputStream().readAllBytes();
        String sha;
        try {
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        response.setContentType("text/plain;charset=UTF-8");
        String text = "USER=" + request.getAttribute("USER") + "\n"
                + "ROLE=" + request.getAttribute("ROLE") + "\n"
                + "SEEN=" + request.getAttribute("SEEN") + "\n"
                + "dispatcher=" + request.getDispatcherType() + "\n"
                + "length=" + body.length + "\n"
                + "sha256=" + sha + "\n";
        response.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }
}

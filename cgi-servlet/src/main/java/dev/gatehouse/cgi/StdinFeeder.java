package dev.gatehouse.cgi;

import dev.gatehouse.cgi.exec.RequestBodySpool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies the request body to a script's stdin on its own thread, from the spool file or from
 * the request (each read through the guard), then closes stdin so the script sees EOF.
 */
final class StdinFeeder implements Runnable {

    private final OutputStream stdin;
    private final RequestBodySpool spool;
    private final ServletSide servlet;

    /** @param spool the spooled body, or null to read the request itself */
    StdinFeeder(OutputStream stdin, RequestBodySpool spool, ServletSide servlet) {
        this.stdin = stdin;
        this.spool = spool;
        this.servlet = servlet;
    }

    @Override
    public void run() {
        // the request's own stream is left to the container to close
        try (OutputStream out = stdin;
                InputStream in = spool != null ? spool.open() : servlet.requestBody()) {
            in.transferTo(out);
        } catch (IOException e) {
            // the script exited without reading all of its input, or the client went away:
            // the relay sees either on stdout
        }
    }
}

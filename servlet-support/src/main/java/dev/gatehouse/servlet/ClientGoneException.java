package dev.gatehouse.servlet;

import java.io.IOException;

/**
 * The client is gone: a write to it failed, or the container ended the request. Nothing more can
 * reach it; the bridge ends the exchange as a client abort (counted so), not as a failure of its
 * script or backend. Shared by the CGI and FastCGI bridges.
 */
public final class ClientGoneException extends IOException {
    private static final long serialVersionUID = 1L;

    public ClientGoneException(Throwable cause) {
        super("client disconnected: " + cause.getMessage(), cause);
    }

    /** The container ended the request before a write or read could reach it. */
    public static ClientGoneException containerEnded() {
        return new ClientGoneException(new IOException("the container ended the request"));
    }
}

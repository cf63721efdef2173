package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.Header;
import java.util.List;

/**
 * The request's trailer fields (RFC 9110 §6.5), which the ASGI contract has no event for: the
 * bridge's {@link dev.gatehouse.asgi.Receive} also implements this interface, so an application
 * that wants them asks {@code if (receive instanceof RequestTrailers t)} once it has received the
 * {@code http.request} with {@code more_body=false}. Other servers of the contract (the test
 * communicator) simply do not implement it.
 */
public interface RequestTrailers {

    /**
     * The trailer fields, names lowercased, in the container's order; empty before the last {@code
     * http.request} was delivered, and when the request had none (a Content-Length body cannot
     * carry any).
     */
    List<Header> requestTrailers();
}

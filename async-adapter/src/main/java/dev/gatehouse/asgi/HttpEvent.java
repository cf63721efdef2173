package dev.gatehouse.asgi;

/** The events of an {@link HttpScope}
 * (ASGI HTTP spec; trailers from the HTTP Trailers extension).
 */
public sealed interface HttpEvent extends Event
        permits HttpRequest, HttpResponseStart, HttpResponseBody, HttpResponseTrailers, HttpDisconnect {}

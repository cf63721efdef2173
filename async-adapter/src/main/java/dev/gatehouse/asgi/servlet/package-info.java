/**
 * The servlet bridge: {@link dev.gatehouse.asgi.servlet.AsgiServlet} serves an {@link
 * dev.gatehouse.asgi.AsgiApplication} over HTTP (ASGI HTTP spec 2.4 with the HTTP Trailers
 * extension) and runs its lifespan (spec 2.0), on any Servlet 6.0 container; tested on Jetty 12
 * and Tomcat 11. WebSocket scopes are not bridged yet.
 *
 * <h2>Init-params</h2>
 *
 * <table>
 * <caption>AsgiServlet init-params</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code application}</td><td>(required unless constructed with an application)</td>
 *     <td>class name of the application; public, with a public no-argument constructor</td></tr>
 * <tr><td>{@code asyncTimeout}</td><td>{@code 60s}</td><td>longest exchange, start to end
 *     ({@code AsyncContext.setTimeout}); {@code 0} for none (long-lived event streams). On
 *     expiry: 504 if nothing was sent, else the connection is aborted; the application gets
 *     {@code http.disconnect}</td></tr>
 * <tr><td>{@code lifespanTimeout}</td><td>{@code 30s}</td><td>how long init and destroy wait
 *     for the answer to {@code lifespan.startup} / {@code lifespan.shutdown}</td></tr>
 * <tr><td>{@code readBufferSize}</td><td>{@code 65536}</td><td>most bytes in one {@code
 *     http.request} event (1024–16777216)</td></tr>
 * </table>
 *
 * <h2>How an exchange runs</h2>
 *
 * <ul>
 *   <li><b>No blocked threads.</b> {@code service} starts async, registers a {@code
 *       WriteListener} (a {@code ReadListener} follows on the first {@code receive()} when the
 *       request has a body by its framing), calls {@code handle} and returns. Each exchange's work runs
 *       in a serial drain loop on whichever thread has something to do (the container's
 *       callback, or the application's thread calling send/receive); stages completed there run
 *       the application's continuations in that loop, so continuations must not block.
 *   <li><b>Receive is demand-driven.</b> The body is read only while a {@code receive()} is
 *       waiting, one buffer per event, so memory stays bounded whatever the body size. The last
 *       chunk has {@code more_body=false}; after it, {@code receive()} waits for the response to
 *       finish or the client to go, then returns {@code http.disconnect}.
 *   <li><b>Send is the backpressure.</b> A body chunk is written with the non-blocking API and
 *       flushed; its stage completes once {@code isReady()} is true again (at once, or in {@code
 *       onWritePossible}). Sends issued meanwhile queue. Stages often complete at once, so an
 *       application that loops over them should iterate, not recurse.
 *   <li><b>Order</b> is checked by {@link dev.gatehouse.asgi.HttpProtocol} before anything is
 *       written: a misplaced event fails its stage with {@link
 *       dev.gatehouse.asgi.AsgiProtocolException} naming the rule, and nothing reaches the
 *       client.
 *   <li><b>Failures map once</b> (in {@code HttpExchange}): an application that fails, or returns
 *       with the response incomplete, before anything was written gets a 500; after, the
 *       connection is aborted (dispatched back to the servlet, which throws), so the client sees
 *       a truncated body, never a complete-looking one.
 *   <li><b>Disconnect</b> is noticed when a read or write fails or the container reports an error
 *       (Servlet containers do not watch an idle connection): waiting receives get {@code
 *       http.disconnect}, waiting and later sends fail with {@link
 *       dev.gatehouse.asgi.ClientDisconnectedException}. The bridge never touches the request or
 *       response after the container has ended it (Tomcat ends and recycles them by itself on a
 *       client disconnect).
 *   <li><b>Trailers.</b> Response trailers go through {@code setTrailerFields} when the container
 *       can send them (HTTP/1.1 chunked; clients must send {@code TE: trailers} for Jetty and
 *       Tomcat to emit them; HTTP/2), otherwise they are dropped with a log line. Request
 *       trailers, which the contract has no event for, are offered through {@link
 *       dev.gatehouse.asgi.servlet.RequestTrailers}, implemented by the bridge's {@code Receive}
 *       (Tomcat passes on only the names in its connector's {@code allowedTrailerHeaders}).
 *   <li><b>Lifespan</b> runs in {@code init} and {@code destroy}; {@code lifespan.startup.failed}
 *       fails the servlet's initialisation with its message. Every request scope gets a copy of
 *       the lifespan state.
 * </ul>
 */
package dev.gatehouse.asgi.servlet;

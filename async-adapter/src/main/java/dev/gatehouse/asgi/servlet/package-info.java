/**
 * The servlet bridge: {@link dev.gatehouse.asgi.servlet.AsgiServlet} serves an {@link
 * dev.gatehouse.asgi.AsgiApplication} over HTTP (ASGI HTTP spec 2.4 with the HTTP Trailers
 * extension) and runs its lifespan (spec 2.0), on any Servlet 6.0 container; tested on Jetty 12
 * and Tomcat 11. WebSocket handshakes ({@code Upgrade: websocket}) become {@code websocket}
 * scopes through Jakarta WebSocket 2.1 (see "WebSocket" below).
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
 * <tr><td>{@code webSocketMaxMessageSize}</td><td>{@code 1048576}</td><td>largest WebSocket
 *     message a client may send, in bytes (125–268435456); larger closes with 1009</td></tr>
 * <tr><td>{@code webSocketHandshakeTimeout}</td><td>{@code 10s}</td><td>how long the handshake
 *     waits for the answer to {@code websocket.connect}; then 504</td></tr>
 * </table>
 *
 * <h2>How an exchange runs</h2>
 *
 * <ul>
 *   <li><b>No blocked threads.</b> {@code service} calls {@code handle} and returns. When the
 *       dispatch ends with the response unfinished, or as soon as the application reads a request
 *       that has a body by its framing, the request goes async ({@code startAsync}, the timeout, a
 *       {@code WriteListener}, and a {@code ReadListener} for the body). Each exchange's work runs
 *       in a serial drain loop on whichever thread has something to do (the container's
 *       callback, or the application's thread calling send/receive); stages completed there run
 *       the application's continuations in that loop, so continuations must not block.
 *   <li><b>A small answer needs no async.</b> When the application, inside {@code handle} (or in
 *       continuations that run there), sends its start and one final body of at most a quarter of
 *       the response buffer ({@code getBufferSize()}: 2 KiB on Tomcat, 8 KiB on Jetty by default),
 *       the body is copied into that buffer, which is no I/O,
 *       and the container completes the response when {@code service} returns, as for any
 *       servlet, with a Content-Length it computes. Nothing is then registered with the container
 *       and no second dispatch is needed; the response and its bytes are the same as on the
 *       non-blocking path. A filter in front sees {@code isAsyncStarted()} false.
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
 *
 * <h2>WebSocket</h2>
 *
 * <ul>
 *   <li><b>Enabling it.</b> The bridge needs the container's {@code ServerContainer} (servlet
 *       context attribute {@code jakarta.websocket.server.ServerContainer}): Tomcat 11 provides it
 *       to every web application ({@code WsSci}); Jetty 12 ee10 needs the {@code
 *       ee10-websocket-jakarta} module or {@code
 *       JakartaWebSocketServletContainerInitializer.configure(context, null)}. Without it a
 *       WebSocket request is answered 501 and the servlet logs that once.
 *   <li><b>The handshake is decided during {@code service}.</b> The application receives {@code
 *       websocket.connect}; {@code websocket.accept} upgrades with {@code
 *       upgradeHttpToWebSocket} (subprotocol and extra headers through the endpoint's
 *       configurator), {@code websocket.close} or returning without an answer gives 403, a denial
 *       response is written as sent, a failure gives 500. The container's thread waits for that
 *       answer, at most {@code webSocketHandshakeTimeout}: Tomcat 11 performs an upgrade only when
 *       the original dispatch returns without async started, so an upgrade after {@code
 *       startAsync} (from another thread or an async dispatch) cannot work there, while waiting
 *       works on both containers. An application that accepts at once answers before {@code
 *       handle} returns, and nothing waits.
 *   <li><b>Send is the backpressure.</b> {@code websocket.send} goes to the session's {@code
 *       RemoteEndpoint.Async} with a {@code SendHandler}; its stage completes when the container
 *       took the frame, and the next send starts only then (one in flight; later ones queue behind
 *       it, as {@code send} promises).
 *   <li><b>Receive is bounded.</b> Client messages (joined from partial frames, so that the limit
 *       is the bridge's, equal on both containers) queue until {@code receive()}: at most 256
 *       messages and 4 × {@code webSocketMaxMessageSize} bytes, else the socket is closed with
 *       1008; a message over {@code webSocketMaxMessageSize} closes it with 1009.
 *   <li><b>Closing.</b> {@code websocket.close} closes with its code and reason after the sends
 *       before it; the client's close arrives as {@code websocket.disconnect} with its code and
 *       reason, a dropped connection as 1006; an application failure after accept closes with
 *       1011 (logged), a normal return with 1000.
 * </ul>
 */
package dev.gatehouse.asgi.servlet;

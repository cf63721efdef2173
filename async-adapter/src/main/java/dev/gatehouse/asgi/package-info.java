/**
 * The ASGI-like contract: an application, its scope, and the events it receives and sends, after
 * ASGI 3.0 with the HTTP and WebSocket spec version 2.4, the Lifespan spec 2.0, and the HTTP
 * Trailers and WebSocket Denial Response extensions. No servlet types: the servlet bridge lives in
 * {@code dev.gatehouse.asgi.servlet}, the test communicator in {@code dev.gatehouse.asgi.testing}.
 *
 * <h2>The callable</h2>
 *
 * <p>{@code async def app(scope, receive, send)} is {@link dev.gatehouse.asgi.AsgiApplication}:
 * {@code CompletionStage<Void> handle(Scope, Receive, Send)}. {@code await receive()} is {@link
 * dev.gatehouse.asgi.Receive#receive()}, a stage of the next {@link
 * dev.gatehouse.asgi.ReceiveEvent};
 * {@code await send(event)} is {@link dev.gatehouse.asgi.Send#send}, whose stage completes when the
 * server can take more (the backpressure). Dicts become records: a scope's {@code type} selects the
 * record ({@link dev.gatehouse.asgi.HttpScope}, {@link dev.gatehouse.asgi.WebSocketScope}, {@link
 * dev.gatehouse.asgi.LifespanScope}), an event's {@code type} is its record class and {@code
 * asgiType()}. Byte strings are {@code byte[]} (copied in and out, compared by content), Unicode
 * strings {@code String}, {@code None} is {@code null} where a key is optional.
 *
 * <h2>Names</h2>
 *
 * <table>
 * <caption>Every ASGI name and its Java name</caption>
 * <tr><th>ASGI</th><th>Java</th></tr>
 * <tr><td>{@code scope["asgi"]["version"]}</td><td>{@code Scope.asgiVersion()} = "3.0"</td></tr>
 * <tr><td>{@code scope["asgi"]["spec_version"]}</td><td>{@code Scope.specVersion()}: "2.4"
 *     (http, websocket), "2.0" (lifespan)</td></tr>
 * <tr><td>{@code scope["type"]}</td><td>{@code Scope.type()} and the record class</td></tr>
 * <tr><td>{@code http_version}</td><td>{@code httpVersion()}</td></tr>
 * <tr><td>{@code method}</td><td>{@code HttpScope.method()}</td></tr>
 * <tr><td>{@code scheme}</td><td>{@code scheme()}</td></tr>
 * <tr><td>{@code path}</td><td>{@code path()}</td></tr>
 * <tr><td>{@code raw_path}</td><td>{@code rawPath()} (null: not available)</td></tr>
 * <tr><td>{@code query_string}</td><td>{@code queryString()}</td></tr>
 * <tr><td>{@code root_path}</td><td>{@code rootPath()}</td></tr>
 * <tr><td>{@code headers} (scope and events)</td><td>{@code headers()}: {@code List<Header>}; a
 *     pair {@code [name, value]} is {@link dev.gatehouse.asgi.Header#name()}, {@link
 *     dev.gatehouse.asgi.Header#value()}</td></tr>
 * <tr><td>{@code client}, {@code server}</td><td>{@code client()}, {@code server()}: {@link
 *     dev.gatehouse.asgi.Endpoint} {@code (host, port)}, empty port for {@code [path, None]};
 *     null: unknown</td></tr>
 * <tr><td>{@code subprotocols}</td><td>{@code WebSocketScope.subprotocols()}</td></tr>
 * <tr><td>{@code state}</td><td>{@code state()}: mutable in {@code LifespanScope}, an
 *     unmodifiable copy in the others</td></tr>
 * <tr><td>{@code http.request}: {@code body}, {@code more_body}</td><td>{@link
 *     dev.gatehouse.asgi.HttpRequest}: {@code body()}, {@code moreBody()}</td></tr>
 * <tr><td>{@code http.response.start}: {@code status}, {@code headers}, {@code trailers}</td>
 *     <td>{@link dev.gatehouse.asgi.HttpResponseStart}: {@code status()}, {@code headers()},
 *     {@code trailers()}</td></tr>
 * <tr><td>{@code http.response.body}: {@code body}, {@code more_body}</td><td>{@link
 *     dev.gatehouse.asgi.HttpResponseBody}: {@code body()}, {@code moreBody()}</td></tr>
 * <tr><td>{@code http.response.trailers}: {@code headers}, {@code more_trailers}</td><td>{@link
 *     dev.gatehouse.asgi.HttpResponseTrailers}: {@code headers()}, {@code moreTrailers()}</td></tr>
 * <tr><td>{@code http.disconnect}</td><td>{@link dev.gatehouse.asgi.HttpDisconnect}</td></tr>
 * <tr><td>{@code websocket.connect}</td><td>{@link dev.gatehouse.asgi.WebSocketConnect}</td></tr>
 * <tr><td>{@code websocket.accept}: {@code subprotocol}, {@code headers}</td><td>{@link
 *     dev.gatehouse.asgi.WebSocketAccept}: {@code subprotocol()}, {@code headers()}</td></tr>
 * <tr><td>{@code websocket.receive}: {@code bytes}, {@code text}</td><td>{@link
 *     dev.gatehouse.asgi.WebSocketReceive}: {@code bytes()}, {@code text()}</td></tr>
 * <tr><td>{@code websocket.send}: {@code bytes}, {@code text}</td><td>{@link
 *     dev.gatehouse.asgi.WebSocketSend}: {@code bytes()}, {@code text()}</td></tr>
 * <tr><td>{@code websocket.disconnect}: {@code code}, {@code reason}</td><td>{@link
 *     dev.gatehouse.asgi.WebSocketDisconnect}: {@code code()}, {@code reason()}</td></tr>
 * <tr><td>{@code websocket.close}: {@code code}, {@code reason}</td><td>{@link
 *     dev.gatehouse.asgi.WebSocketClose}: {@code code()}, {@code reason()}</td></tr>
 * <tr><td>{@code websocket.http.response.start}: {@code status}, {@code headers}</td><td>{@link
 *     dev.gatehouse.asgi.WebSocketHttpResponseStart}: {@code status()}, {@code headers()}</td></tr>
 * <tr><td>{@code websocket.http.response.body}: {@code body}, {@code more_body}</td><td>{@link
 *     dev.gatehouse.asgi.WebSocketHttpResponseBody}: {@code body()}, {@code moreBody()}</td></tr>
 * <tr><td>{@code lifespan.startup}</td><td>{@link dev.gatehouse.asgi.LifespanStartup}</td></tr>
 * <tr><td>{@code lifespan.startup.complete}</td><td>{@link
 *     dev.gatehouse.asgi.LifespanStartupComplete}</td></tr>
 * <tr><td>{@code lifespan.startup.failed}: {@code message}</td><td>{@link
 *     dev.gatehouse.asgi.LifespanStartupFailed}: {@code message()}</td></tr>
 * <tr><td>{@code lifespan.shutdown}</td><td>{@link dev.gatehouse.asgi.LifespanShutdown}</td></tr>
 * <tr><td>{@code lifespan.shutdown.complete}</td><td>{@link
 *     dev.gatehouse.asgi.LifespanShutdownComplete}</td></tr>
 * <tr><td>{@code lifespan.shutdown.failed}: {@code message}</td><td>{@link
 *     dev.gatehouse.asgi.LifespanShutdownFailed}: {@code message()}</td></tr>
 * <tr><td>"Disconnected Client - send exception" (an {@code OSError})</td><td>{@link
 *     dev.gatehouse.asgi.ClientDisconnectedException} (an {@code IOException})</td></tr>
 * <tr><td>a {@code RuntimeError} for an unexpected message</td><td>{@link
 *     dev.gatehouse.asgi.AsgiProtocolException}</td></tr>
 * <tr><td>{@code scope["extensions"]}</td><td>not modelled: {@code http.response.trailers} and
 *     {@code websocket.http.response} are always part of the contract</td></tr>
 * </table>
 *
 * <h2>Rules</h2>
 *
 * <p>Each scope's order is one {@link dev.gatehouse.asgi.ExchangeProtocol} state machine ({@link
 * dev.gatehouse.asgi.HttpProtocol}, {@link dev.gatehouse.asgi.WebSocketProtocol}, {@link
 * dev.gatehouse.asgi.LifespanProtocol}); their javadoc draws the transitions. Shared by every
 * server of the contract:
 *
 * <ul>
 *   <li><b>Invalid values</b> are rejected when the record is built, with {@code
 *       IllegalArgumentException}: status outside 100–599, a close code an endpoint may not send
 *       (RFC 6455 §7.4), a close reason over 123 bytes, both or neither of {@code bytes}/{@code
 *       text}, an uppercase or non-token header name, CR/LF/NUL in a header value.
 *   <li><b>An out-of-order event</b> (body before start, start twice, body after {@code
 *       more_body=false}, trailers not announced, {@code websocket.send} before accept, a denial
 *       response after accept, an event of another protocol) fails that send's stage with {@link
 *       dev.gatehouse.asgi.AsgiProtocolException} naming event, state and rule. Nothing is written
 *       and the state does not change.
 *   <li><b>Send after the client disconnected</b> fails the stage with {@link
 *       dev.gatehouse.asgi.ClientDisconnectedException} (spec 2.4); so do sends that were waiting
 *       for backpressure when the client went away. A send after the response completed, or after
 *       the application closed the socket, is an {@code AsgiProtocolException} instead.
 *   <li><b>Receive after disconnect</b> completes at once with the disconnect event, every time;
 *       for HTTP also once the response is complete ({@code http.disconnect}). Receive never
 *       fails for a gone client.
 *   <li><b>Backpressure</b>: a send's stage completes when the server can take more. Sends are
 *       ordered; one issued before the previous stage completed is queued behind it.
 *   <li><b>Returning</b>: the application's stage completing while the exchange is incomplete
 *       (no response, an unfinished body or denial, unanswered lifespan event) is an application
 *       failure, as is completing exceptionally. For HTTP the server answers 500 if nothing has
 *       been committed ({@link dev.gatehouse.asgi.HttpProtocol#committed()}), else aborts.
 *   <li><b>WebSocket close before accept</b> refuses the handshake with HTTP 403; a denial
 *       response replaces the 403 with the application's own response.
 * </ul>
 */
package dev.gatehouse.asgi;

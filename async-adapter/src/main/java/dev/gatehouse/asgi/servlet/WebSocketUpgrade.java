package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.WebSocketAccept;
import dev.gatehouse.asgi.WebSocketClose;
import dev.gatehouse.asgi.WebSocketHttpResponseBody;
import dev.gatehouse.asgi.WebSocketHttpResponseStart;
import dev.gatehouse.asgi.WebSocketScope;
import dev.gatehouse.servlet.SafeLogger;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The WebSocket handshake (RFC 6455 §4.2, ASGI WebSocket spec 2.4 and its Denial Response
 * extension) on the container's thread, inside {@code AsgiServlet.service}: the application gets
 * {@code websocket.connect} and its answer decides the HTTP response:
 *
 * <ul>
 *   <li>{@code websocket.accept} → {@code ServerContainer.upgradeHttpToWebSocket} with the chosen
 *       subprotocol and extra headers (101), then the socket is an {@link AsgiEndpoint};
 *   <li>{@code websocket.close} before accept, or the application ending without an answer → 403;
 *   <li>{@code websocket.http.response.start} and {@code .body} → that response;
 *   <li>the application failing → 500; no answer within {@code webSocketHandshakeTimeout} → 504.
 * </ul>
 *
 * <p><b>Why the container's thread waits.</b> Tomcat 11 carries out an upgrade only when the
 * original request dispatch returns without async started ({@code Http11Processor.service}
 * returns UPGRADING only when {@code !isAsync()}); an upgrade requested after {@code startAsync},
 * from another thread or from an {@code AsyncContext.dispatch}, is never performed (the async
 * dispatch path ends the request as a keep-alive HTTP exchange). So the one way that works on
 * both Tomcat 11 and Jetty 12 is to decide during {@code service}: the thread waits, bounded,
 * for the application's answer. An application that accepts at once (the usual case) answers
 * before {@code handle} returns, and the thread does not wait at all.
 */
final class WebSocketUpgrade {
    private static final System.Logger LOG = SafeLogger.of(WebSocketUpgrade.class.getName());

    /** Where Jakarta WebSocket 2.1 §6.4 puts the container's ServerContainer. */
    static final String SERVER_CONTAINER = "jakarta.websocket.server.ServerContainer";

    private final AsgiApplication application;
    private final int maxMessageSize;
    private final Duration timeout;
    private final String servletName;
    private final AtomicBoolean warnedDisabled = new AtomicBoolean();
    private final AsgiMetrics metrics;

    WebSocketUpgrade(AsgiApplication application, AsgiServletConfig config, String servletName, AsgiMetrics metrics) {
        this.application = application;
        this.metrics = metrics;
        this.maxMessageSize = config.webSocketMaxMessageSize();
        this.timeout = config.webSocketHandshakeTimeout();
        this.servletName = servletName;
    }

    /** Serves a request that has {@code Upgrade: websocket}. */
    void serve(HttpServletRequest request, HttpServletResponse response, Map<String, Object> state)
            throws IOException, ServletException {
        String problem = WebSocketScopes.handshakeProblem(request);
        if (problem != null) {
            LOG.log(
                    Level.INFO,
                    "{0}: bad WebSocket handshake for {1}: {2}",
                    servletName,
                    request.getRequestURI(),
                    problem);
            response.setHeader("Sec-WebSocket-Version", "13");
            answer(response, HttpServletResponse.SC_BAD_REQUEST, problem);
            return;
        }
        if (!(request.getServletContext().getAttribute(SERVER_CONTAINER) instanceof ServerContainer container)) {
            if (warnedDisabled.compareAndSet(false, true)) {
                LOG.log(
                        Level.WARNING,
                        "{0}: a WebSocket request came but the container has no Jakarta WebSocket"
                                + " ServerContainer (enable WebSocket for this web application); answering 501",
                        servletName);
            }
            answer(response, HttpServletResponse.SC_NOT_IMPLEMENTED, "WebSocket is not enabled on this server");
            return;
        }
        WebSocketScope scope = WebSocketScopes.from(request, state);
        String name = servletName + " WS " + request.getRequestURI();
        WebSocketExchange exchange = new WebSocketExchange(scope, maxMessageSize, name, metrics);
        exchange.start(application, scope);
        new Handshake(container, request, response, exchange).run();
    }

    /** One handshake's steps, on the container's thread. */
    private final class Handshake {
        private final ServerContainer container;
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final WebSocketExchange exchange;

        Handshake(
                ServerContainer container,
                HttpServletRequest request,
                HttpServletResponse response,
                WebSocketExchange exchange) {
            this.container = container;
            this.request = request;
            this.response = response;
            this.exchange = exchange;
        }

        void run() throws IOException, ServletException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Object step;
                try {
                    step = exchange.nextHandshakeStep(deadline - System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    step = null;
                }
                if (step == null) {
                    LOG.log(
                            Level.WARNING,
                            "{0}: the application did not answer websocket.connect within {1} ms",
                            exchange,
                            timeout.toMillis());
                    exchange.handshakeEnded(null, null);
                    fail(HttpServletResponse.SC_GATEWAY_TIMEOUT, "the application did not answer in time", null);
                    return;
                } else if (step instanceof WebSocketExchange.ApplicationEnded end) {
                    ended(end.failure());
                    return;
                } else if (done((WebSocketExchange.Pending) step)) {
                    return;
                }
            }
        }

        /** Carries out one answer; true when it ended the handshake. */
        private boolean done(WebSocketExchange.Pending step) throws IOException {
            if (step.event() instanceof WebSocketAccept accept) {
                upgrade(accept, step);
                return true;
            } else if (step.event() instanceof WebSocketClose) {
                exchange.handshakeEnded(step, null);
                answer(response, HttpServletResponse.SC_FORBIDDEN, "WebSocket refused by the application");
                return true;
            } else if (step.event() instanceof WebSocketHttpResponseStart start) {
                response.setStatus(start.status());
                for (Header header : start.headers()) {
                    response.addHeader(header.nameString(), header.valueString());
                }
                exchange.stepDone(step);
                return false;
            } else if (step.event() instanceof WebSocketHttpResponseBody body) {
                try {
                    response.getOutputStream().write(body.body());
                    if (body.moreBody()) {
                        response.flushBuffer();
                        exchange.stepDone(step);
                        return false;
                    }
                } catch (IOException e) {
                    exchange.handshakeEnded(step, e);
                    return true;
                }
                exchange.handshakeEnded(step, null);
                return true;
            }
            throw new IllegalStateException("not a handshake step: " + step.event());
        }

        private void upgrade(WebSocketAccept accept, WebSocketExchange.Pending step) throws IOException {
            List<String> subprotocols = accept.subprotocol() != null ? List.of(accept.subprotocol()) : List.of();
            AsgiEndpoint endpoint = new AsgiEndpoint(exchange, maxMessageSize);
            ServerEndpointConfig config = ServerEndpointConfig.Builder.create(AsgiEndpoint.class, "/")
                    .subprotocols(subprotocols)
                    .configurator(new Configurator(endpoint, accept))
                    .build();
            try {
                container.upgradeHttpToWebSocket(request, response, config, Map.of());
            } catch (IOException | DeploymentException | RuntimeException e) {
                LOG.log(Level.ERROR, exchange + ": the container refused the upgrade", e);
                exchange.handshakeEnded(step, e);
                if (!response.isCommitted()) {
                    answer(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "the WebSocket upgrade failed");
                }
                return;
            }
            exchange.upgraded(step);
        }

        private void ended(Throwable failure) throws IOException, ServletException {
            boolean unfinished = exchange.denialUnfinished();
            exchange.handshakeEnded(null, null);
            if (failure != null) {
                LOG.log(Level.ERROR, exchange + ": the application failed during the WebSocket handshake", failure);
                fail(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "the application failed", failure);
            } else if (unfinished) {
                LOG.log(Level.ERROR, "{0}: the application ended inside its denial response", exchange);
                fail(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "the application failed", null);
            } else {
                answer(response, HttpServletResponse.SC_FORBIDDEN, "WebSocket refused by the application");
            }
        }

        /** Answers {@code status}, or aborts the connection when a denial response already began. */
        private void fail(int status, String message, Throwable cause) throws IOException, ServletException {
            if (response.isCommitted()) {
                throw new ServletException("denial response aborted: " + message, cause);
            }
            answer(response, status, message);
        }
    }

    /** Hands the container this socket's endpoint, subprotocol and extra headers. */
    private static final class Configurator extends ServerEndpointConfig.Configurator {
        private final AsgiEndpoint endpoint;
        private final WebSocketAccept accept;

        Configurator(AsgiEndpoint endpoint, WebSocketAccept accept) {
            this.endpoint = endpoint;
            this.accept = accept;
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(endpoint);
        }

        @Override
        public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
            return accept.subprotocol() != null ? accept.subprotocol() : "";
        }

        @Override
        public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
            // no compression: a send stage then measures the bytes the client has to take
            return List.of();
        }

        @Override
        public boolean checkOrigin(String originHeaderValue) {
            return true; // the application sees the origin header in the scope and decides
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            for (Header header : accept.headers()) {
                response.getHeaders()
                        .computeIfAbsent(header.nameString(), k -> new ArrayList<>())
                        .add(header.valueString());
            }
        }
    }

    private static void answer(HttpServletResponse response, int status, String message) throws IOException {
        response.resetBuffer();
        ContainerSide.writePlain(response, status, message);
    }
}

package dev.gatehouse.asgi.servlet;

import dev.gatehouse.servlet.SafeLogger;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * The Jakarta WebSocket endpoint of one accepted connection (one instance per socket, handed to
 * the container by {@link WebSocketUpgrade}'s configurator): passes the container's callbacks to
 * its {@link WebSocketExchange} (public only because Jetty refuses a non-public endpoint class; not
 * an API: it has no public constructor). Messages arrive through partial handlers, so that the bridge, not
 * the container's buffer sizes, decides the largest message (the same limit on Jetty and Tomcat).
 */
public final class AsgiEndpoint extends Endpoint {
    private static final System.Logger LOG = SafeLogger.of(AsgiEndpoint.class.getName());

    private final WebSocketExchange exchange;
    private final int maxMessageSize;

    AsgiEndpoint(WebSocketExchange exchange, int maxMessageSize) {
        this.exchange = exchange;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        // Jetty applies these to whole frames even for partial handlers (its default is 64 KiB);
        // the assembler enforces the limit on the message
        session.setMaxBinaryMessageBufferSize(Math.max(session.getMaxBinaryMessageBufferSize(), maxMessageSize));
        session.setMaxTextMessageBufferSize(Math.max(session.getMaxTextMessageBufferSize(), maxMessageSize));
        MessageAssembler assembler = new MessageAssembler(maxMessageSize, exchange);
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) assembler::text);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) assembler::binary);
        exchange.metrics.webSocketsOpened.increment();
        exchange.metrics.webSocketsOpen.increment();
        exchange.opened(session);
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        exchange.metrics.webSocketsOpen.decrement();
        exchange.closed(reason.getCloseCode().getCode(), reason.getReasonPhrase());
    }

    @Override
    public void onError(Session session, Throwable failure) {
        // onClose follows (1006 for a dropped connection)
        LOG.log(Level.DEBUG, "{0}: {1}", exchange, failure.toString());
    }
}

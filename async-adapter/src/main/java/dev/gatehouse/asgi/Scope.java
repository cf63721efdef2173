package dev.gatehouse.asgi;

/**
 * The ASGI connection scope: what the application learns about a connection when it is called.
 * The {@code type} key selects the protocol, and with it which events flow.
 */
public sealed interface Scope permits HttpScope, WebSocketScope, LifespanScope {
    /** {@code asgi["version"]}: the ASGI version of the callable, {@code "3.0"}. */
    String ASGI_VERSION = "3.0";

    /** The ASGI {@code type}: {@code "http"}, {@code "websocket"} or {@code "lifespan"}. */
    String type();

    /** {@code asgi["version"]}. */
    default String asgiVersion() {
        return ASGI_VERSION;
    }

    /** {@code asgi["spec_version"]}: the version of the protocol's sub-specification. */
    String specVersion();
}

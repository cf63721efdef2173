package dev.gatehouse.asgi;

/** The events of a {@link LifespanScope} (ASGI Lifespan spec). */
public sealed interface LifespanEvent extends Event
        permits LifespanStartup,
                LifespanStartupComplete,
                LifespanStartupFailed,
                LifespanShutdown,
                LifespanShutdownComplete,
                LifespanShutdownFailed {}

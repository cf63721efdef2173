package dev.gatehouse.sample.asgi;

import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.LifespanScope;
import dev.gatehouse.asgi.LifespanShutdown;
import dev.gatehouse.asgi.LifespanShutdownComplete;
import dev.gatehouse.asgi.LifespanStartup;
import dev.gatehouse.asgi.LifespanStartupComplete;
import dev.gatehouse.asgi.WebSocketScope;
import dev.gatehouse.asgi.testing.ApplicationCommunicator;
import dev.gatehouse.asgi.testing.Scopes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Scopes that carry a lifespan state, and the lifespan run that fills it, for the demos' tests. */
final class TestScopes {
    static final Duration WAIT = Duration.ofSeconds(5);

    private TestScopes() {}

    static HttpScope http(String method, String path, String query, List<Header> headers, Map<String, Object> state) {
        return new HttpScope(
                "1.1",
                method,
                "http",
                path,
                path.getBytes(StandardCharsets.UTF_8),
                query.getBytes(StandardCharsets.US_ASCII),
                "",
                headers,
                Scopes.CLIENT,
                Scopes.SERVER,
                state);
    }

    static WebSocketScope websocket(String query, Map<String, Object> state) {
        return new WebSocketScope(
                "1.1",
                "ws",
                "/async/chat",
                "/async/chat".getBytes(StandardCharsets.UTF_8),
                query.getBytes(StandardCharsets.US_ASCII),
                "",
                List.of(),
                Scopes.CLIENT,
                Scopes.SERVER,
                List.of(),
                state);
    }

    /** An application's lifespan, started: its state is filled, shutdown is up to the test. */
    record Lifespan(ApplicationCommunicator communicator, LifespanScope scope) {
        static Lifespan start(dev.gatehouse.asgi.AsgiApplication application) throws Exception {
            LifespanScope scope = new LifespanScope();
            ApplicationCommunicator communicator = ApplicationCommunicator.start(application, scope);
            communicator.sendInput(new LifespanStartup());
            if (!(communicator.receiveOutput(WAIT) instanceof LifespanStartupComplete)) {
                throw new AssertionError("startup did not complete");
            }
            return new Lifespan(communicator, scope);
        }

        Map<String, Object> state() {
            return Map.copyOf(scope.state());
        }

        void shutdown() throws Exception {
            communicator.sendInput(new LifespanShutdown());
            if (!(communicator.receiveOutput(WAIT) instanceof LifespanShutdownComplete)) {
                throw new AssertionError("shutdown did not complete");
            }
            communicator.waitFor(WAIT);
        }
    }
}

package dev.gatehouse.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The ways a request ends, against an async context and response that record what they are asked
 * (fakes of the servlet glue: the race with Tomcat's error handling they stand for is the one
 * TomcatMalformedBodyIT met once in a few hundred runs).
 */
class RequestEndTest {

    /** What the fakes were asked, in order: "sendError 400", "complete", ... */
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private volatile boolean committed;

    private final HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "isCommitted":
                        return committed;
                    case "sendError":
                        calls.add("sendError " + args[0]);
                        return null;
                    default:
                        calls.add(method.getName());
                        return null;
                }
            });

    private final AsyncContext async = (AsyncContext) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getResponse":
                        return response;
                    case "complete":
                        calls.add("complete");
                        return null;
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            });

    private final RequestEnd end = new RequestEnd(async, new ContainerGuard(ContainerGuard.Owner.onLoss(() -> {})));

    @Test
    void theListenerAloneAnswersAndCompletes() {
        end.errorFromListener(400);
        assertEquals(List.of("sendError 400", "complete"), calls);
    }

    /**
     * The gateway thread saw the read fail first and answered; Tomcat's error handling then comes
     * to the listener and answers 500 unless it completes the request again, with the same status.
     */
    @Test
    void theListenerTakesTheGatewaysAnswerAgain() {
        end.errorUnlessAnswered(400);
        end.errorFromListener(400);
        assertEquals(List.of("sendError 400", "complete", "sendError 400", "complete"), calls);
    }

    @Test
    void aRequestEndedAnotherWayIsLeftAlone() {
        end.complete();
        end.errorFromListener(400);
        assertEquals(List.of("complete"), calls);
    }

    @Test
    void aCommittedResponseIsLeftAlone() {
        end.errorUnlessAnswered(400);
        committed = true;
        end.errorFromListener(400);
        assertEquals(List.of("sendError 400", "complete"), calls);
    }
}

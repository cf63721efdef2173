package dev.gatehouse.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.servlet.testing.FakeAsyncContext;
import dev.gatehouse.servlet.testing.FakeRequest;
import dev.gatehouse.servlet.testing.FakeResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ways a request ends, against an async context and response that record what they are asked
 * (fakes of the servlet glue: the race with Tomcat's error handling they stand for is the one
 * TomcatMalformedBodyIT met once in a few hundred runs).
 */
class RequestEndTest {

    private final FakeResponse response = new FakeResponse();
    private final FakeAsyncContext async =
            new FakeAsyncContext(new FakeRequest(response).request(), response.response());

    private final RequestEnd end = new RequestEnd(async, new ContainerGuard(ContainerGuard.Owner.onLoss(() -> {})));

    /** What the fakes were asked, in order: "sendError 400", "complete", ... */
    private List<String> calls() {
        return response.journal();
    }

    @Test
    void theListenerAloneAnswersAndCompletes() {
        end.errorFromListener(400);
        assertEquals(List.of("sendError 400", "complete"), calls());
    }

    /**
     * The gateway thread saw the read fail first and answered; Tomcat's error handling then comes
     * to the listener and answers 500 unless it completes the request again, with the same status.
     */
    @Test
    void theListenerTakesTheGatewaysAnswerAgain() {
        end.errorUnlessAnswered(400);
        end.errorFromListener(400);
        assertEquals(List.of("sendError 400", "complete", "sendError 400", "complete"), calls());
    }

    @Test
    void aRequestEndedAnotherWayIsLeftAlone() {
        end.complete();
        end.errorFromListener(400);
        assertEquals(List.of("complete"), calls());
    }

    @Test
    void aCommittedResponseIsLeftAlone() {
        end.errorUnlessAnswered(400);
        response.commit();
        end.errorFromListener(400);
        assertEquals(List.of("sendError 400", "complete"), calls());
    }
}

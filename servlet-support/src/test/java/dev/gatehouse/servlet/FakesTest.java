package dev.gatehouse.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.servlet.testing.FakeAsyncContext;
import dev.gatehouse.servlet.testing.FakeInputStream;
import dev.gatehouse.servlet.testing.FakeOutputStream;
import dev.gatehouse.servlet.testing.FakeRequest;
import dev.gatehouse.servlet.testing.FakeResponse;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The servlet fakes of {@code dev.gatehouse.servlet.testing} are strict where containers are: the
 * bridges' tests rely on that to fail when the glue misbehaves.
 */
class FakesTest {

    private final List<String> events = new CopyOnWriteArrayList<>();

    @Test
    void aWriteWhileNotReadyIsRefusedAndMakingReadyCallsTheListener() throws IOException {
        FakeOutputStream out = new FakeOutputStream().notReadyAfterWrite(true);
        out.setWriteListener(new WriteListener() {
            @Override
            public void onWritePossible() {
                events.add("onWritePossible");
            }

            @Override
            public void onError(Throwable t) {
                events.add("onError " + t.getMessage());
            }
        });
        out.write(new byte[] {1, 2}, 0, 2);
        assertFalse(out.isReady());
        assertThrows(IllegalStateException.class, () -> out.write(3));
        assertThrows(IllegalStateException.class, out::flush);
        out.makeReady();
        out.write(3);
        out.failWrites(new IOException("Broken pipe"));
        out.setReady(true);
        assertEquals(
                "Broken pipe",
                assertThrows(IOException.class, () -> out.write(4)).getMessage());
        out.fireError(new IOException("reset"));
        assertArrayEquals(new byte[] {1, 2, 3}, out.written());
        assertEquals(List.of("onWritePossible", "onError reset"), events);
    }

    @Test
    void completeTellsTheListenersOnceAndTheJournalKeepsTheOrder() throws IOException {
        FakeRequest request = new FakeRequest();
        FakeAsyncContext async = (FakeAsyncContext) request.request().startAsync();
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                events.add("onComplete");
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                events.add("onTimeout");
            }

            @Override
            public void onError(AsyncEvent event) {
                events.add("onError " + event.getThrowable().getMessage());
            }

            @Override
            public void onStartAsync(AsyncEvent event) {}
        });
        async.fireTimeout();
        async.fireError(new IOException("gone"));
        request.fakeResponse().response().sendError(503);
        async.complete();
        async.complete();
        assertEquals(List.of("onTimeout", "onError gone", "onComplete"), events);
        assertEquals(
                List.of("sendError 503", "complete", "complete"),
                request.fakeResponse().journal());
        assertSame(async, request.request().getAsyncContext());
    }

    @Test
    void aDispatchMakesTheRequestAnAsyncDispatchUnlessRefused() {
        FakeRequest request = new FakeRequest();
        FakeAsyncContext async = (FakeAsyncContext) request.request().startAsync();
        assertEquals(DispatcherType.REQUEST, request.request().getDispatcherType());
        async.dispatch();
        assertEquals(DispatcherType.ASYNC, request.request().getDispatcherType());
        async.refuseDispatch();
        assertThrows(IllegalStateException.class, async::dispatch);
        assertEquals(List.of("dispatch"), async.calls());
    }

    @Test
    void aCommittedResponseKeepsItsHeadAndRefusesAReset() throws IOException {
        FakeResponse response = new FakeResponse();
        response.response().setStatus(201);
        response.response().setHeader("X-A", "1");
        response.response().getOutputStream().flush();
        assertTrue(response.committed());
        response.response().setStatus(500);
        response.response().setHeader("X-A", "2");
        assertEquals(201, response.status());
        assertEquals("1", response.header("x-a"));
        assertThrows(IllegalStateException.class, () -> response.response().reset());
    }

    @Test
    void theInputStreamGivesWhatWasFedThenItsEndOrFailure() throws IOException {
        FakeInputStream in = new FakeInputStream().add(new byte[] {1, 2, 3});
        byte[] buf = new byte[2];
        assertTrue(in.isReady());
        assertEquals(2, in.read(buf, 0, 2));
        assertEquals(1, in.read(buf, 0, 2));
        assertFalse(in.isReady(), "nothing more has arrived");
        in.end();
        assertEquals(-1, in.read(buf, 0, 2));
        assertTrue(in.isFinished());
        FakeInputStream failing = new FakeInputStream().fail(new IllegalArgumentException("Bad chunk"));
        assertThrows(IllegalArgumentException.class, failing::read);
    }
}

package dev.gatehouse.servlet.testing;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake for unit tests of the servlet glue: the {@link AsyncContext} of one request. It records
 * what the bridge asks of it ({@link #calls}: {@code complete}, {@code dispatch}, {@code dispatch
 * /path}, {@code start}) and tells its {@link AsyncListener}s of the container's events when the
 * test asks ({@link #fireTimeout}, {@link #fireError}, {@link #fireComplete}).
 *
 * <p>As a container may, {@code complete()} calls the listeners' {@code onComplete} at once, on
 * the caller's thread, before it returns (the first time only): a bridge that holds a use of its
 * guard across {@code complete()} hangs here as it would in Jetty. A second {@code complete()} is
 * recorded, not refused, so that a test can see it. A dispatch marks the request as an {@code
 * ASYNC} dispatch (see {@link FakeRequest#dispatchedAsync}) and can be refused ({@link
 * #refuseDispatch}), as a container refuses one for a request it has ended.
 */
public final class FakeAsyncContext implements AsyncContext {

    private final ServletRequest request;
    private final ServletResponse response;
    private final List<AsyncListener> listeners = new CopyOnWriteArrayList<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile long timeout = 30_000;
    private volatile boolean completeFired;
    private volatile boolean refuseDispatch;

    public FakeAsyncContext(ServletRequest request, ServletResponse response) {
        this.request = request;
        this.response = response;
    }

    // --- what the test does and reads

    /** What the bridge asked, in order. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    public boolean completed() {
        return calls.contains("complete");
    }

    /** Whether any dispatch was asked. */
    public boolean dispatched() {
        return calls.stream().anyMatch(c -> c.startsWith("dispatch"));
    }

    public List<AsyncListener> listeners() {
        return List.copyOf(listeners);
    }

    /** Every dispatch from now on throws IllegalStateException. */
    public void refuseDispatch() {
        refuseDispatch = true;
    }

    /** The async timeout expired: {@code onTimeout} to every listener. */
    public void fireTimeout() throws IOException {
        for (AsyncListener l : listeners) {
            l.onTimeout(new AsyncEvent(this, request, response));
        }
    }

    /** The container ended the request for {@code cause}: {@code onError} to every listener. */
    public void fireError(Throwable cause) throws IOException {
        for (AsyncListener l : listeners) {
            l.onError(new AsyncEvent(this, request, response, cause));
        }
    }

    /** The container completed the request (on its own, as Tomcat does when the client leaves). */
    public void fireComplete() throws IOException {
        completeFired = true;
        for (AsyncListener l : listeners) {
            l.onComplete(new AsyncEvent(this, request, response));
        }
    }

    private void record(String call) {
        calls.add(call);
        FakeResponse fake = FakeResponse.of(response);
        if (fake != null) {
            fake.note(call);
        }
    }

    // --- the AsyncContext

    @Override
    public ServletRequest getRequest() {
        return request;
    }

    @Override
    public ServletResponse getResponse() {
        return response;
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return true;
    }

    @Override
    public void dispatch() {
        dispatchTo("dispatch");
    }

    @Override
    public void dispatch(String path) {
        dispatchTo("dispatch " + path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        dispatchTo("dispatch " + path);
    }

    private void dispatchTo(String call) {
        if (refuseDispatch) {
            throw new IllegalStateException("the fake container refuses the dispatch");
        }
        record(call);
        FakeRequest fake = FakeRequest.of(request);
        if (fake != null) {
            fake.dispatchedAsync();
        }
    }

    @Override
    public void complete() {
        record("complete");
        if (!completeFired) {
            try {
                fireComplete();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Override
    public void start(Runnable run) {
        record("start");
        Thread thread = new Thread(run, "fake-container-async-start");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void addListener(AsyncListener listener) {
        listeners.add(listener);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest servletRequest, ServletResponse servletResponse) {
        listeners.add(listener);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
        try {
            return clazz.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ServletException(e);
        }
    }

    @Override
    public void setTimeout(long timeout) {
        this.timeout = timeout;
    }

    @Override
    public long getTimeout() {
        return timeout;
    }
}

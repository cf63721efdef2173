package dev.gatehouse.servlet.testing;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A fake for unit tests of the servlet glue: a container's request input stream that the test
 * feeds. What was {@link #add}ed is read in order, then {@code -1} once {@link #end} was called,
 * or the failure given to {@link #fail} is thrown (as Tomcat throws an {@code IOException} for a
 * bad chunk, Jetty an unchecked one). {@code isReady()} is true while there is something to read
 * (data, the end or the failure), unless the test holds it false ({@link #holdNotReady}).
 *
 * <p>The {@link ReadListener} is called only when the test says so ({@link #fireDataAvailable},
 * {@link #fireAllDataRead}, {@link #fireError}, or {@link #feed}, which adds and then fires), on
 * the test's thread, so that the order of events is the test's. Without a listener the stream
 * reads in blocking mode and {@code read} waits, bounded by nothing but the test's timeout, for
 * what the test adds.
 */
public final class FakeInputStream extends ServletInputStream {

    private final Deque<byte[]> chunks = new ArrayDeque<>();
    private int offset;
    private boolean ended;
    private boolean finished;
    private Throwable failure;
    private boolean holdNotReady;
    private volatile ReadListener listener;
    private long read;

    // --- what the test sets

    /** Bytes the client sent, to be read after what came before. */
    public synchronized FakeInputStream add(byte[] bytes) {
        chunks.add(bytes.clone());
        notifyAll();
        return this;
    }

    /** The body ends after what was added. */
    public synchronized FakeInputStream end() {
        ended = true;
        notifyAll();
        return this;
    }

    /** Reading fails with {@code cause} once what was added has been read (unchecked or IOException). */
    public synchronized FakeInputStream fail(Throwable cause) {
        failure = cause;
        notifyAll();
        return this;
    }

    /** Holds {@code isReady()} false whatever there is to read (true: as if nothing arrived yet). */
    public synchronized void holdNotReady(boolean value) {
        holdNotReady = value;
    }

    /** Adds {@code bytes} and tells the listener that data is available. */
    public void feed(byte[] bytes) throws IOException {
        add(bytes);
        fireDataAvailable();
    }

    public void fireDataAvailable() throws IOException {
        listener().onDataAvailable();
    }

    public void fireAllDataRead() throws IOException {
        listener().onAllDataRead();
    }

    public void fireError(Throwable t) {
        listener().onError(t);
    }

    // --- what the test reads

    /** Bytes read so far. */
    public synchronized long bytesRead() {
        return read;
    }

    public ReadListener listener() {
        ReadListener l = listener;
        if (l == null) {
            throw new IllegalStateException("no ReadListener set");
        }
        return l;
    }

    public boolean hasListener() {
        return listener != null;
    }

    // --- the ServletInputStream

    @Override
    public synchronized boolean isFinished() {
        return finished;
    }

    @Override
    public synchronized boolean isReady() {
        return !holdNotReady && (!chunks.isEmpty() || ended || failure != null);
    }

    @Override
    public void setReadListener(ReadListener readListener) {
        if (listener != null) {
            throw new IllegalStateException("a ReadListener is already set");
        }
        listener = readListener;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (listener != null && !isReady()) {
            throw new IllegalStateException("read while isReady() is false");
        }
        while (chunks.isEmpty() && !ended && failure == null) {
            try {
                wait(); // blocking mode: the test adds more
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
        }
        if (!chunks.isEmpty()) {
            byte[] head = chunks.peek();
            int n = Math.min(len, head.length - offset);
            System.arraycopy(head, offset, b, off, n);
            offset += n;
            if (offset == head.length) {
                chunks.poll();
                offset = 0;
            }
            read += n;
            return n;
        }
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure != null) {
            throw new IOException(failure);
        }
        finished = true;
        return -1;
    }
}

package dev.gatehouse.servlet.testing;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * A fake for unit tests of the servlet glue: a container's response output stream in
 * non-blocking mode (Servlet 6 §5.8) whose {@code isReady()} the test sets, standing for a client
 * that reads or does not. Making it ready ({@link #makeReady}) calls the {@link WriteListener}'s
 * {@code onWritePossible}, as a container does once it can write again; the test plays the
 * container's threads, so every call comes from the test's own thread unless it says otherwise.
 *
 * <p>It is strict where containers are: a write or flush while {@code isReady()} is false throws
 * {@link IllegalStateException} (Tomcat and Jetty do), so that a bridge that ignores backpressure
 * fails its test. It can fail every write as a client that went away does ({@link #failWrites}).
 */
public final class FakeOutputStream extends ServletOutputStream {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Runnable onCommit;
    private final java.util.function.IntSupplier bufferSize;
    private volatile boolean ready = true;
    private volatile boolean notReadyAfterWrite;
    private volatile boolean firstCallOnAThread;
    private volatile IOException writeFailure;
    private volatile WriteListener listener;
    private volatile int flushes;
    private volatile int writes;

    /** A stream of its own, not part of a {@link FakeResponse}. */
    public FakeOutputStream() {
        this(() -> {}, () -> Integer.MAX_VALUE);
    }

    /** Part of a response: a flush, or more bytes than {@code bufferSize}, commits it. */
    FakeOutputStream(Runnable onCommit, java.util.function.IntSupplier bufferSize) {
        this.onCommit = onCommit;
        this.bufferSize = bufferSize;
    }

    // --- what the test sets

    /** From now on every write leaves the stream not ready: a client that has stopped reading. */
    public FakeOutputStream notReadyAfterWrite(boolean value) {
        notReadyAfterWrite = value;
        return this;
    }

    /**
     * Whether {@code setWriteListener} makes the container's first {@code onWritePossible} call at
     * once, from a thread of its own, as a container does (Servlet 6 §5.8.2). Off by default: the
     * test then makes that call itself ({@link #makeReady}).
     */
    public FakeOutputStream firstCallOnAThread(boolean value) {
        firstCallOnAThread = value;
        return this;
    }

    /**
     * Sets {@code isReady()} without telling the listener. A container answers false only after a
     * write it could not finish ({@link #notReadyAfterWrite} stands for that); setting it false
     * out of the blue suits a writer that asks before every write, not one that may trust an
     * earlier true answer until its next write, as the Servlet API allows.
     */
    public void setReady(boolean value) {
        ready = value;
    }

    /** The client read: the stream is ready again and the listener's {@code onWritePossible} is called. */
    public void makeReady() throws IOException {
        ready = true;
        WriteListener l = listener;
        if (l == null) {
            throw new IllegalStateException("no WriteListener set");
        }
        l.onWritePossible();
    }

    /** Every write and flush from now on throws {@code failure}: the client went away. */
    public void failWrites(IOException failure) {
        writeFailure = failure;
    }

    /** Calls the listener's {@code onError}, as a container does when a write fails later. */
    public void fireError(Throwable failure) {
        WriteListener l = listener;
        if (l == null) {
            throw new IllegalStateException("no WriteListener set");
        }
        l.onError(failure);
    }

    // --- what the test reads

    /** Every byte written, in order. */
    public byte[] written() {
        synchronized (bytes) {
            return bytes.toByteArray();
        }
    }

    /** The bytes written as ISO-8859-1 text. */
    public String text() {
        synchronized (bytes) {
            return bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    public int flushes() {
        return flushes;
    }

    /** How many write calls took bytes. */
    public int writes() {
        return writes;
    }

    public WriteListener listener() {
        return listener;
    }

    /** Drops what was written (a response reset before its head went out). */
    void clear() {
        synchronized (bytes) {
            bytes.reset();
        }
    }

    // --- the ServletOutputStream

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public void setWriteListener(WriteListener writeListener) {
        if (listener != null) {
            throw new IllegalStateException("a WriteListener is already set");
        }
        listener = writeListener;
        if (firstCallOnAThread) {
            Thread first = new Thread(
                    () -> {
                        try {
                            writeListener.onWritePossible();
                        } catch (IOException e) {
                            writeListener.onError(e);
                        }
                    },
                    "fake-container-first-write-call");
            first.setDaemon(true);
            first.start();
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        check("write");
        boolean overflow;
        synchronized (bytes) {
            bytes.write(b, off, len);
            overflow = bytes.size() > bufferSize.getAsInt();
        }
        writes++;
        if (overflow) {
            onCommit.run();
        }
        if (notReadyAfterWrite) {
            ready = false;
        }
    }

    @Override
    public void flush() throws IOException {
        check("flush");
        flushes++;
        onCommit.run();
    }

    private void check(String what) throws IOException {
        IOException failure = writeFailure;
        if (failure != null) {
            throw failure;
        }
        if (listener != null && !ready) {
            throw new IllegalStateException(what + " while isReady() is false");
        }
    }
}

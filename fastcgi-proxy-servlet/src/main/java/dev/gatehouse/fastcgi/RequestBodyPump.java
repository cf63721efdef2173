package dev.gatehouse.fastcgi;

import dev.gatehouse.fastcgi.client.Exchange;
import dev.gatehouse.servlet.ContainerGuard;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Streams a request body of known length from the servlet input to the application as STDIN
 * (FastCGI 1.0 §5.3), non-blocking: a chunk is read only when the previous
 * {@link Exchange#write} has completed, into the same buffer, so a request holds one chunk of
 * memory however fast the client sends. The container calls {@link #onDataAvailable} when input
 * arrives; a completed write (on the transport thread) reads on while input is ready. Both run
 * under this object's monitor and through the {@link ContainerGuard}. At the end of input the
 * body is ended ({@link Exchange#endBody()}).
 */
final class RequestBodyPump implements ReadListener {

    static final int CHUNK = 64 * 1024;

    private final ServletInputStream in;
    private final Exchange exchange;
    private final ContainerGuard guard;
    private final Consumer<Throwable> onError;
    private final byte[] buffer = new byte[CHUNK];
    private boolean writing;
    private boolean done;

    /** @param onError told once when the input fails (the client went away) */
    RequestBodyPump(ServletInputStream in, Exchange exchange, ContainerGuard guard, Consumer<Throwable> onError) {
        this.in = in;
        this.exchange = exchange;
        this.guard = guard;
        this.onError = onError;
    }

    @Override
    public void onDataAvailable() {
        pump();
    }

    @Override
    public void onAllDataRead() {
        pump();
    }

    @Override
    public void onError(Throwable t) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        onError.accept(t);
    }

    private synchronized void pump() {
        if (writing || done) {
            return;
        }
        try {
            boolean used = guard.run(() -> {
                while (!in.isFinished() && in.isReady()) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    if (n > 0) {
                        writing = true;
                        exchange.write(ByteBuffer.wrap(buffer, 0, n)).whenComplete((ok, e) -> written());
                        return;
                    }
                }
                if (in.isFinished()) {
                    done = true;
                    exchange.endBody();
                }
            });
            if (!used) {
                done = true;
            }
        } catch (IOException | IllegalStateException e) {
            done = true;
            onError.accept(e);
        }
    }

    private void written() {
        synchronized (this) {
            writing = false;
        }
        pump();
    }
}

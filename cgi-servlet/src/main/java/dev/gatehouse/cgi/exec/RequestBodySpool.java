package dev.gatehouse.cgi.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A request body of unknown length (chunked), copied to a temporary file so that its length can
 * be announced as CONTENT_LENGTH. Bounded; the file is deleted on {@link #close()}.
 */
public final class RequestBodySpool implements AutoCloseable {

    /** The body is longer than the configured cap; the servlet layer answers 413. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long limit) {
            super("chunked request body exceeds the spool limit of " + limit + " bytes");
        }
    }

    private final Path file;
    private final long length;

    private RequestBodySpool(Path file, long length) {
        this.file = file;
        this.length = length;
    }

    /** Reads {@code body} to its end into a new file in {@code directory}. */
    public static RequestBodySpool spool(InputStream body, Path directory, long limit) throws IOException {
        Path file = Files.createTempFile(directory, "gatehouse-body-", ".tmp");
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = body.read(buf)) >= 0) {
                total += n;
                if (total > limit) {
                    throw new TooLargeException(limit);
                }
                out.write(buf, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new RequestBodySpool(file, total);
    }

    public long length() {
        return length;
    }

    public InputStream open() throws IOException {
        return Files.newInputStream(file);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file that cannot be deleted is left for the container's temp dir cleanup
        }
    }
}

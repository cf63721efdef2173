package dev.gatehouse.servlet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A whole request body, held before a gateway hands it on (the CGI servlet, before its script
 * starts) so that its length can be announced as CONTENT_LENGTH and a slow client holds no script
 * slot while it sends: written by blocking calls, read back as a stream; in memory up to {@code
 * memoryBytes}, beyond that in a temporary file. Bounded by {@code limit} bytes in all; the file
 * is deleted on {@link #close()}, which every owner calls on every path.
 *
 * <p>Filled by {@link #write} calls, then {@link #finish}ed, then read by {@link #open}. Memory
 * grows with what has arrived (at most twice that, and never beyond {@code memoryBytes}), so a
 * client that announces a large body and sends little of it holds little. Within a servlet's
 * {@link SpoolBudget} every byte of memory or disk is reserved before it is used, and the file
 * is made only past the memory part.
 */
public final class RequestBodySpool implements AutoCloseable {

    /**
     * How much of a body stays in memory: 64 KiB, one Linux pipe buffer (the script's stdin takes
     * it in one write) and well above the usual form or JSON post, so those never touch the disk;
     * a client being buffered holds at most this much heap.
     */
    public static final int MEMORY_BYTES = 64 * 1024;

    private static final int FIRST_ALLOCATION = 8 * 1024;

    private final Path directory;
    private final long limit;
    private final int memoryBytes;
    private final SpoolBudget.Account account;

    private byte[] memory = new byte[0];
    private Path file;
    private OutputStream out;
    private long length;
    private boolean finished;
    private boolean closed;

    private RequestBodySpool(Path directory, long limit, int memoryBytes, SpoolBudget.Account account) {
        if (limit < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException("negative bound: limit " + limit + ", memory " + memoryBytes);
        }
        this.directory = directory;
        this.limit = limit;
        this.memoryBytes = memoryBytes;
        this.account = account;
    }

    /** An empty spool bound by no budget; nothing is allocated or created before the first {@link #write}. */
    public static RequestBodySpool create(Path directory, long limit, int memoryBytes) {
        return create(directory, limit, memoryBytes, SpoolBudget.unlimited().account());
    }

    /**
     * An empty spool whose memory and disk are reserved from {@code account} before they are
     * used ({@link SpoolBudget.RefusedException} beyond it); the account is closed with the spool.
     */
    public static RequestBodySpool create(Path directory, long limit, int memoryBytes, SpoolBudget.Account account) {
        return new RequestBodySpool(directory, limit, memoryBytes, account);
    }

    /** Reads {@code body} to its end (blocking) into a new spool; on failure nothing is left. */
    public static RequestBodySpool spool(InputStream body, Path directory, long limit, int memoryBytes)
            throws IOException {
        return spool(
                body, directory, limit, memoryBytes, SpoolBudget.unlimited().account());
    }

    /** As {@link #spool(InputStream, Path, long, int)}, within {@code account}. */
    public static RequestBodySpool spool(
            InputStream body, Path directory, long limit, int memoryBytes, SpoolBudget.Account account)
            throws IOException {
        RequestBodySpool spool = create(directory, limit, memoryBytes, account);
        try {
            byte[] buf = new byte[65536];
            int n;
            while ((n = body.read(buf)) >= 0) {
                spool.write(buf, 0, n);
            }
            spool.finish();
            return spool;
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
    }

    /**
     * Appends bytes of the body.
     *
     * @throws BodyTooLargeException when the body would exceed the limit; nothing more is kept
     * @throws SpoolBudget.RefusedException when the servlet's spool budget cannot hold these bytes
     */
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (finished) {
            throw new IllegalStateException("write after finish or close");
        }
        if (length + len > limit) {
            throw new BodyTooLargeException(limit);
        }
        if (out == null && length + len <= memoryBytes) {
            int needed = (int) length + len;
            if (needed > memory.length) {
                int grown = Math.max(needed, Math.min(memoryBytes, Math.max(FIRST_ALLOCATION, memory.length * 2)));
                if (!account.reserveMemory(grown - memory.length)) {
                    throw new SpoolBudget.RefusedException("spoolMemoryBytes");
                }
                memory = Arrays.copyOf(memory, grown);
            }
            System.arraycopy(b, off, memory, (int) length, len);
        } else {
            if (!account.reserveDisk(out == null ? length + len : len)) {
                throw new SpoolBudget.RefusedException("spoolDiskBytes");
            }
            if (out == null) {
                toFile();
            }
            out.write(b, off, len);
        }
        length += len;
    }

    private void toFile() throws IOException {
        file = Files.createTempFile(directory, "gatehouse-body-", ".tmp");
        out = Files.newOutputStream(file);
        out.write(memory, 0, (int) length);
        account.releaseMemory(memory.length);
        memory = null;
    }

    /** The body is complete: no more writes, and the file (if any) is flushed and closed. */
    public synchronized void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        account.leave(); // whole: it no longer counts as spooling, but keeps its bytes
        if (out != null) {
            out.close();
        }
    }

    public synchronized long length() {
        return length;
    }

    /** Whether the body went to a file (it exceeded the memory part). */
    public synchronized boolean onDisk() {
        return file != null;
    }

    /**
     * The body from its start; call after {@link #finish}. An open stream outlives {@link #close}
     * (the file is unlinked, its bytes stay readable); an open after it fails.
     *
     * @throws IOException also when the spool was closed meanwhile
     */
    public synchronized InputStream open() throws IOException {
        if (!finished) {
            throw new IllegalStateException("open before finish");
        } else if (closed) {
            throw new IOException("the request body spool is closed");
        }
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(memory, 0, (int) length);
    }

    /**
     * Drops the body, deletes its file and then gives back its budget (in that order, so that the
     * files on disk never hold more than the budget, even for a moment); idempotent.
     */
    @Override
    public synchronized void close() {
        finished = true;
        closed = true;
        memory = null;
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the file is deleted below anyway
            }
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file that cannot be deleted is left for the container's temp dir cleanup
            }
        }
        account.close();
    }
}

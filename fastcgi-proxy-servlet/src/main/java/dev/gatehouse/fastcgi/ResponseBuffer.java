package dev.gatehouse.fastcgi;

import dev.gatehouse.servlet.SafeLogger;
import dev.gatehouse.servlet.SpoolBudget;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The part of a response the client could not take yet, first in first out: into memory up to
 * {@code memoryBytes}, then appended to a temporary file, created at the first byte that does not
 * fit (nginx's {@code fastcgi_buffers}, then {@code fastcgi_temp_path}). With it the proxy reads
 * on from the application while a client is slow, so the backend connection (a php-fpm worker)
 * is released at the application's speed, not the client's.
 *
 * <p>Bounded twice: this buffer never holds more than {@code maxBytes} (memory and file
 * together), and every byte of memory or disk is first reserved from the servlet's {@link
 * SpoolBudget}. Beyond either bound {@link #offer} takes what fits and answers false; the caller
 * then falls back to backpressure (pauses the transport), which never fails a response. A file
 * that cannot be written is such a refusal too: the failure is logged once and the buffer keeps
 * to memory from then on.
 *
 * <p>Order: memory holds the older bytes and the file the newer, so new bytes go to memory only
 * while the file holds nothing unread. Once the file is read to its end it is truncated and its
 * disk reservation given back.
 *
 * <p>Not thread-safe, but {@link #close} may come from any thread: the owner ({@link
 * ResponseRelay}) calls the rest under its monitor; every method is synchronized so that a close
 * from elsewhere (the container ended the request, the servlet is destroyed) never races a file
 * operation. This object owns the file and the account: {@link #close} deletes the one and
 * closes the other, and every method after it finds an empty buffer that takes nothing.
 */
final class ResponseBuffer implements AutoCloseable {

    private static final System.Logger LOG = SafeLogger.of(FastCgiProxyServlet.class.getName());

    /** The prefix of the temp files, in the servlet's temp dir. */
    static final String FILE_PREFIX = "gatehouse-fastcgi-response-";

    /**
     * Disk is reserved in steps of this many bytes, so a budget is not asked per record; a file
     * holds at most one step more than it was given to write.
     */
    private static final int DISK_STEP = 64 * 1024;

    private final Path directory;
    private final int memoryBytes;
    private final long maxBytes;
    private final SpoolBudget.Account account;
    private final Runnable onClose;

    private byte[] memory;
    private int memoryStart;
    private int memoryEnd;
    private Path file;
    private FileChannel channel;
    private long fileRead;
    private long fileWrite;
    private boolean diskFailed;
    private boolean closed;

    /**
     * @param directory where the file is made (the servlet's temp dir)
     * @param memoryBytes the most held in memory before the file is used
     * @param maxBytes the most held in all
     * @param account this buffer's share of the servlet's budget; closed with the buffer
     * @param onClose told once, when the buffer is closed (the runtime forgets it)
     */
    ResponseBuffer(Path directory, int memoryBytes, long maxBytes, SpoolBudget.Account account, Runnable onClose) {
        this.directory = directory;
        this.memoryBytes = memoryBytes;
        this.maxBytes = maxBytes;
        this.account = account;
        this.onClose = onClose;
    }

    /**
     * Takes as much of {@code content} as the bounds allow, moving its position past what was
     * taken.
     *
     * @return whether all of it was taken; false means the caller keeps the rest and pauses
     */
    synchronized boolean offer(ByteBuffer content) {
        if (closed) {
            return !content.hasRemaining();
        }
        if (fileWrite == fileRead) {
            toMemory(content);
        }
        if (content.hasRemaining()) {
            toFile(content);
        }
        return !content.hasRemaining();
    }

    private void toMemory(ByteBuffer content) {
        if (memory == null) {
            if (memoryBytes == 0 || !account.reserveMemory(memoryBytes)) {
                return;
            }
            memory = new byte[memoryBytes];
        }
        int room = (int) Math.min(memory.length - (memoryEnd - memoryStart), maxBytes - size());
        int length = Math.min(room, content.remaining());
        if (length <= 0) {
            return;
        }
        if (memory.length - memoryEnd < length) {
            System.arraycopy(memory, memoryStart, memory, 0, memoryEnd - memoryStart);
            memoryEnd -= memoryStart;
            memoryStart = 0;
        }
        content.get(memory, memoryEnd, length);
        memoryEnd += length;
    }

    private void toFile(ByteBuffer content) {
        long room = maxBytes - size();
        if (diskFailed || room <= 0) {
            return;
        }
        int wanted = (int) Math.min(room, content.remaining());
        long reserved = account.disk() - fileWrite;
        while (reserved < wanted && account.reserveDisk(DISK_STEP)) {
            reserved += DISK_STEP;
        }
        int length = (int) Math.min(wanted, reserved);
        if (length <= 0) {
            return; // the servlet's disk budget is spent
        }
        ByteBuffer bytes = content.duplicate();
        bytes.limit(bytes.position() + length);
        try {
            if (channel == null) {
                file = Files.createTempFile(directory, FILE_PREFIX, ".tmp");
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            long at = fileWrite;
            while (bytes.hasRemaining()) {
                at += channel.write(bytes, at);
            }
        } catch (IOException e) {
            diskFailed = true;
            LOG.log(
                    Level.WARNING,
                    "cannot buffer a response in {0}, holding the backend instead: {1}",
                    directory,
                    e.getMessage());
            return;
        }
        fileWrite += length;
        content.position(content.position() + length);
    }

    /**
     * Copies the oldest bytes into {@code into}, at most {@code max}.
     *
     * @return how many; 0 when the buffer is empty
     * @throws IOException if the file cannot be read: the rest of the response is lost
     */
    synchronized int take(byte[] into, int max) throws IOException {
        if (closed) {
            return 0;
        }
        if (memoryEnd > memoryStart) {
            int length = Math.min(max, memoryEnd - memoryStart);
            System.arraycopy(memory, memoryStart, into, 0, length);
            memoryStart += length;
            if (memoryStart == memoryEnd) {
                memoryStart = 0;
                memoryEnd = 0;
            }
            return length;
        }
        if (fileWrite > fileRead) {
            ByteBuffer bytes = ByteBuffer.wrap(into, 0, (int) Math.min(max, fileWrite - fileRead));
            while (bytes.hasRemaining()) {
                int n = channel.read(bytes, fileRead + bytes.position());
                if (n < 0) {
                    throw new IOException("response buffer file " + file.getFileName() + " is shorter than written");
                }
            }
            fileRead += bytes.position();
            if (fileRead == fileWrite) {
                channel.truncate(0);
                fileRead = 0;
                fileWrite = 0;
                account.releaseDisk(account.disk());
            }
            return bytes.position();
        }
        return 0;
    }

    /** Whether nothing is held. */
    synchronized boolean isEmpty() {
        return size() == 0;
    }

    /** The bytes held, in memory and in the file. */
    synchronized long size() {
        return (memoryEnd - memoryStart) + (fileWrite - fileRead);
    }

    /** Whether a file has been made (and not yet deleted). */
    synchronized boolean hasFile() {
        return channel != null;
    }

    /** Drops what is held, deletes the file, gives the budget back. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            memory = null;
            memoryStart = 0;
            memoryEnd = 0;
            fileRead = 0;
            fileWrite = 0;
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // deleted below all the same
                }
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot delete response buffer {0}: {1}", file, e.getMessage());
                }
                channel = null;
            }
            account.close();
        }
        onClose.run();
    }
}

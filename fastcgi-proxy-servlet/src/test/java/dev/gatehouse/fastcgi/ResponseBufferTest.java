package dev.gatehouse.fastcgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.servlet.SpoolBudget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseBufferTest {

    @TempDir
    Path dir;

    private final AtomicInteger closed = new AtomicInteger();

    private ResponseBuffer buffer(int memory, long max, SpoolBudget budget) {
        return new ResponseBuffer(dir, memory, max, budget.account(), closed::incrementAndGet);
    }

    @Test
    void smallResponseStaysInMemoryAndMakesNoFile() throws IOException {
        SpoolBudget budget = SpoolBudget.unlimited();
        ResponseBuffer buffer = buffer(1024, 1 << 20, budget);
        assertTrue(buffer.offer(ByteBuffer.wrap(bytes(1000, 1))));
        assertFalse(buffer.hasFile());
        assertEquals(0, files());
        assertArrayEquals(bytes(1000, 1), drain(buffer, 100));
        buffer.close();
        assertEquals(0, budget.memoryUsed());
    }

    /** Memory, then a file; read back in order across both, then memory is used again. */
    @Test
    void beyondMemoryTheRestGoesToAFileAndComesBackInOrder() throws IOException {
        SpoolBudget budget = SpoolBudget.unlimited();
        ResponseBuffer buffer = buffer(1024, 1 << 20, budget);
        byte[] data = bytes(300_000, 2);
        ByteBuffer content = ByteBuffer.wrap(data);
        while (content.hasRemaining()) {
            ByteBuffer piece = content.slice();
            piece.limit(Math.min(piece.remaining(), 65_535));
            assertTrue(buffer.offer(piece));
            content.position(content.position() + piece.position());
        }
        assertTrue(buffer.hasFile());
        assertEquals(1, files());
        assertEquals(300_000, buffer.size());
        assertEquals(1024, budget.memoryUsed());
        assertTrue(budget.diskUsed() >= 300_000 - 1024);
        // part read back, more offered meanwhile: it goes behind, into the file
        byte[] first = take(buffer, 100_000);
        assertTrue(buffer.offer(ByteBuffer.wrap(bytes(5_000, 3))));
        byte[] rest = drain(buffer, 8192);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(first);
        all.writeBytes(rest);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(data);
        expected.writeBytes(bytes(5_000, 3));
        assertArrayEquals(expected.toByteArray(), all.toByteArray());
        assertEquals(0, budget.diskUsed(), "a file read to its end is truncated and its budget given back");
        assertTrue(buffer.offer(ByteBuffer.wrap(bytes(10, 4))));
        assertEquals(0, budget.diskUsed(), "once empty, new bytes go to memory again");
        assertArrayEquals(bytes(10, 4), drain(buffer, 100));
        buffer.close();
        assertEquals(0, files());
        assertEquals(1, closed.get());
    }

    @Test
    void maxBytesTakesWhatFitsAndLeavesTheRestToTheCaller() {
        ResponseBuffer buffer = buffer(1024, 10_000, SpoolBudget.unlimited());
        ByteBuffer content = ByteBuffer.wrap(bytes(15_000, 5));
        assertFalse(buffer.offer(content));
        assertEquals(10_000, content.position());
        assertEquals(10_000, buffer.size());
        assertFalse(buffer.offer(ByteBuffer.wrap(bytes(1, 6))));
        buffer.close();
    }

    @Test
    void aSpentDiskBudgetRefusesAndTheMemoryBudgetSendsStraightToDisk() throws IOException {
        SpoolBudget budget = new SpoolBudget(1024, 70_000, 10);
        SpoolBudget.Account other = budget.account();
        assertTrue(other.reserveMemory(1024)); // someone else holds all the memory
        ResponseBuffer buffer = buffer(1024, 1 << 20, budget);
        ByteBuffer content = ByteBuffer.wrap(bytes(100_000, 7));
        assertFalse(buffer.offer(content));
        assertEquals(65_536, content.position(), "the file takes the whole steps the disk budget allows");
        assertEquals(65_536, budget.diskUsed());
        assertArrayEquals(Arrays.copyOf(bytes(100_000, 7), 65_536), drain(buffer, 65_536));
        assertEquals(0, budget.diskUsed());
        buffer.close();
        other.close();
        assertEquals(0, budget.memoryUsed());
    }

    @Test
    void closeDeletesTheFileGivesBackTheBudgetAndTakesNothingMore() throws IOException {
        SpoolBudget budget = SpoolBudget.unlimited();
        ResponseBuffer buffer = buffer(1024, 1 << 20, budget);
        assertTrue(buffer.offer(ByteBuffer.wrap(bytes(100_000, 8))));
        assertEquals(1, files());
        buffer.close();
        buffer.close();
        assertEquals(1, closed.get());
        assertEquals(0, files());
        assertEquals(0, budget.memoryUsed());
        assertEquals(0, budget.diskUsed());
        assertTrue(buffer.isEmpty());
        assertEquals(0, buffer.take(new byte[10], 10));
        ByteBuffer late = ByteBuffer.wrap(bytes(10, 9));
        assertFalse(buffer.offer(late));
        assertEquals(0, files());
    }

    @Test
    void anUnwritableDirectoryIsARefusalNotAFailure() {
        ResponseBuffer buffer = new ResponseBuffer(
                dir.resolve("missing"), 1024, 1 << 20, SpoolBudget.unlimited().account(), () -> {});
        ByteBuffer content = ByteBuffer.wrap(bytes(5000, 10));
        assertFalse(buffer.offer(content));
        assertEquals(1024, content.position(), "memory took its part");
        assertFalse(buffer.offer(content), "and the disk is not tried again");
        buffer.close();
    }

    private long files() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().startsWith(ResponseBuffer.FILE_PREFIX))
                    .count();
        }
    }

    private static byte[] take(ResponseBuffer buffer, int count) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        while (out.size() < count) {
            int n = buffer.take(chunk, Math.min(chunk.length, count - out.size()));
            if (n == 0) {
                break;
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    private static byte[] drain(ResponseBuffer buffer, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = new byte[chunk];
        for (int n; (n = buffer.take(bytes, chunk)) > 0; ) {
            out.write(bytes, 0, n);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}

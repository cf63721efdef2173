package dev.gatehouse.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request-body spool: exact bytes and length, memory up to its bound and a file only beyond
 * it, a hard cap, and no temp file left behind.
 */
class RequestBodySpoolTest {

    @TempDir
    Path dir;

    private static byte[] body(int length) {
        byte[] b = new byte[length];
        new Random(length).nextBytes(b);
        return b;
    }

    /** A request body that arrives in reads of at most {@code maxRead} bytes, counting what was read. */
    private static final class Arriving extends InputStream {
        private final byte[] data;
        private final int maxRead;
        private final IOException failAtEnd;
        private int pos;

        Arriving(byte[] data, int maxRead, IOException failAtEnd) {
            this.data = data;
            this.maxRead = maxRead;
            this.failAtEnd = failAtEnd;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("the spool reads in blocks");
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos == data.length) {
                if (failAtEnd != null) {
                    throw failAtEnd;
                }
                return -1;
            }
            int n = Math.min(Math.min(len, maxRead), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    /** A body of {@code length} arriving in reads of {@code maxRead}, into a spool of the bounds given. */
    record Case(String name, int length, long limit, int maxRead, int memory) {
        Case(String name, int length, long limit, int maxRead) {
            this(name, length, limit, maxRead, 0);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> fitting() {
        return Stream.of(
                new Case("empty body", 0, 1024, 65536),
                new Case("small body", 11, 1024, 65536),
                new Case("several buffers", 300_000, 1_000_000, 65536),
                new Case("exactly the limit", 100_000, 100_000, 65536),
                new Case("exactly the limit, tiny reads", 1000, 1000, 7),
                new Case("empty body, zero limit", 0, 0, 65536),
                new Case("in memory", 11, 1024, 65536, RequestBodySpool.MEMORY_BYTES),
                new Case("exactly the memory bound", 65536, 1_000_000, 1000, RequestBodySpool.MEMORY_BYTES),
                new Case("one byte beyond the memory bound", 65537, 1_000_000, 1000, RequestBodySpool.MEMORY_BYTES),
                new Case("memory bound above the limit", 5000, 5000, 7, RequestBodySpool.MEMORY_BYTES),
                new Case("several buffers past memory", 300_000, 1_000_000, 65536, RequestBodySpool.MEMORY_BYTES));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fitting")
    void spoolsTheWholeBody(Case c) throws Exception {
        byte[] body = body(c.length());
        try (RequestBodySpool spool =
                RequestBodySpool.spool(new Arriving(body, c.maxRead(), null), dir, c.limit(), c.memory())) {
            assertEquals(c.length(), spool.length());
            try (InputStream in = spool.open()) {
                assertArrayEquals(body, in.readAllBytes());
            }
            boolean beyondMemory = c.length() > c.memory();
            assertEquals(beyondMemory, spool.onDisk());
            List<Path> files = files();
            assertEquals(beyondMemory ? 1 : 0, files.size(), files.toString());
            if (beyondMemory) {
                String name = files.get(0).getFileName().toString();
                assertTrue(name.startsWith("gatehouse-body-") && name.endsWith(".tmp"), name);
            }
        }
        assertEquals(List.of(), files(), "close() deletes the spool file");
    }

    static Stream<Case> tooLarge() {
        return Stream.of(
                new Case("one byte over", 100_001, 100_000, 65536),
                new Case("one byte over, tiny reads", 1001, 1000, 7),
                new Case("one byte, zero limit", 1, 0, 65536),
                new Case("far over", 5_000_000, 100_000, 65536),
                new Case("over, still within memory", 1001, 1000, 7, RequestBodySpool.MEMORY_BYTES),
                new Case("over, past memory", 100_001, 100_000, 4096, RequestBodySpool.MEMORY_BYTES));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tooLarge")
    void overTheLimitThrowsAndLeavesNoFile(Case c) throws Exception {
        Arriving in = new Arriving(body(c.length()), c.maxRead(), null);
        BodyTooLargeException e =
                assertThrows(BodyTooLargeException.class, () -> RequestBodySpool.spool(in, dir, c.limit(), c.memory()));
        assertEquals("request body exceeds the spool limit of " + c.limit() + " bytes", e.getMessage());
        assertEquals(List.of(), files());
        assertTrue(in.pos <= c.limit() + 65536, "stops reading soon after the limit, read " + in.pos);
    }

    @Test
    void failedReadIsRethrownAndLeavesNoFile() throws Exception {
        IOException broken = new IOException("client went away");
        IOException e = assertThrows(
                IOException.class,
                () -> RequestBodySpool.spool(new Arriving(body(70_000), 65536, broken), dir, 1_000_000, 0));
        assertSame(broken, e);
        assertEquals(List.of(), files());
    }

    @Test
    void closeIsIdempotent() throws Exception {
        RequestBodySpool spool = RequestBodySpool.spool(new Arriving(body(3), 3, null), dir, 10, 0);
        spool.close();
        spool.close();
        assertEquals(List.of(), files());
    }

    /** As the non-blocking reader fills it: writes of any size, a refused write keeps nothing. */
    @Test
    void writesAppendUntilTheLimitAndARefusedWriteKeepsNothing() throws Exception {
        byte[] body = body(70_000);
        RequestBodySpool spool = RequestBodySpool.create(dir, 70_000, RequestBodySpool.MEMORY_BYTES);
        try (spool) {
            assertEquals(List.of(), files(), "nothing is created before the first write");
            spool.write(body, 0, 1);
            spool.write(body, 1, 65_535);
            assertEquals(List.of(), files(), "64 KiB stay in memory");
            spool.write(body, 65_536, 4_000);
            assertEquals(1, files().size(), "the next byte moves the body to a file");
            assertThrows(BodyTooLargeException.class, () -> spool.write(body, 0, 465));
            assertEquals(69_536, spool.length(), "the refused write kept nothing");
            spool.write(body, 69_536, 464);
            spool.finish();
            assertThrows(IllegalStateException.class, () -> spool.write(body, 0, 1));
            try (InputStream in = spool.open()) {
                assertArrayEquals(body, in.readAllBytes());
            }
        }
        assertEquals(List.of(), files());
        assertThrows(IOException.class, spool::open, "a closed spool cannot be read");
    }

    /**
     * Within a servlet's budget: memory and disk are reserved before they are used, a write the
     * budget cannot hold is refused, and closing gives everything back with the file.
     */
    @Test
    void aSpentBudgetRefusesTheWriteAndCloseGivesEverythingBack() throws Exception {
        SpoolBudget budget = new SpoolBudget(RequestBodySpool.MEMORY_BYTES, 100_000, 1);
        SpoolBudget.Account account = budget.account();
        assertTrue(account.enter());
        byte[] body = body(200_000);
        RequestBodySpool spool = RequestBodySpool.create(dir, 1_000_000, RequestBodySpool.MEMORY_BYTES, account);
        spool.write(body, 0, 60_000);
        assertTrue(budget.memoryUsed() >= 60_000, "memory reserved as it grows: " + budget);
        spool.write(body, 60_000, 30_000);
        assertEquals(1, files().size());
        assertEquals(0, budget.memoryUsed(), "the memory went with the move to the file");
        assertEquals(90_000, budget.diskUsed());
        assertThrows(SpoolBudget.RefusedException.class, () -> spool.write(body, 90_000, 20_000));
        assertEquals(90_000, budget.diskUsed(), "a refused write reserves nothing");
        spool.close();
        assertEquals(List.of(), files());
        assertEquals(0, budget.diskUsed());
        assertEquals(0, budget.spooling());
    }

    /** A second spool finds the memory taken by the first: refused before it allocates. */
    @Test
    void memoryBeyondTheBudgetIsRefused() throws Exception {
        SpoolBudget budget = new SpoolBudget(10_000, 0, 2);
        try (RequestBodySpool first = RequestBodySpool.create(dir, 100_000, 10_000, budget.account());
                RequestBodySpool second = RequestBodySpool.create(dir, 100_000, 10_000, budget.account())) {
            first.write(new byte[9_000], 0, 9_000);
            assertThrows(SpoolBudget.RefusedException.class, () -> second.write(new byte[8_000], 0, 8_000));
            assertEquals(0, second.length());
        }
        assertEquals(0, budget.memoryUsed());
    }

    /** A whole body gives back its spooling slot but keeps its bytes until closed. */
    @Test
    void finishLeavesTheSpoolingSlot() throws Exception {
        SpoolBudget budget = new SpoolBudget(100_000, 0, 1);
        SpoolBudget.Account account = budget.account();
        assertTrue(account.enter());
        try (RequestBodySpool spool = RequestBodySpool.create(dir, 100, 100, account)) {
            spool.write(new byte[10], 0, 10);
            spool.finish();
            assertEquals(0, budget.spooling());
            assertTrue(budget.memoryUsed() > 0);
        }
        assertEquals(0, budget.memoryUsed());
    }

    @Test
    void openBeforeFinishIsRefused() throws Exception {
        try (RequestBodySpool spool = RequestBodySpool.create(dir, 10, 10)) {
            spool.write(new byte[3], 0, 3);
            assertThrows(IllegalStateException.class, spool::open);
        }
    }

    @Test
    void negativeBoundsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RequestBodySpool.create(dir, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> RequestBodySpool.create(dir, 0, -1));
    }
}

package dev.gatehouse.servlet.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.servlet.SafeLogger;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A program's output to log lines, as each bridge relays it: a CGI script's stderr read from its
 * pipe (formerly {@code cgi.exec.StderrLog}), a FastCGI application's STDERR records in pieces
 * (formerly {@code fastcgi.StderrLines}) and a managed server's output (formerly {@code
 * fastcgi.managed.OutputRelay}) — one per line, cut at MAX_LINE bytes, at most maxLines a
 * request with the rest counted, CR LF, a last line without newline, binary bytes escaped.
 */
class StderrRelayTest {

    private static final String LOGGER = "dev.gatehouse.servlet.process.test.stderr";
    /** The relay is handed a SafeLogger, as every bridge's is. */
    private static final System.Logger LOG = SafeLogger.of(LOGGER);

    /** System.Logger is backed by java.util.logging when no other LoggerFinder is installed. */
    private final Logger jul = Logger.getLogger(LOGGER);

    private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void capture() {
        jul.addHandler(capture);
        jul.setUseParentHandlers(false);
    }

    @AfterEach
    void release() {
        jul.removeHandler(capture);
        jul.setUseParentHandlers(true);
    }

    /** Each record as "LEVEL message". */
    private List<String> logged() {
        SimpleFormatter formatter = new SimpleFormatter();
        synchronized (records) {
            return records.stream()
                    .map(r -> r.getLevel() + " " + formatter.formatMessage(r))
                    .toList();
        }
    }

    /** Each record's message alone. */
    private List<String> messages() {
        SimpleFormatter formatter = new SimpleFormatter();
        synchronized (records) {
            return records.stream().map(formatter::formatMessage).toList();
        }
    }

    // ---- a script's stderr, read from its stream (formerly StderrLogTest) ----

    record StreamCase(String name, String stderr, int maxLines, List<String> logged) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<StreamCase> streamCases() {
        String w = Level.WARNING.toString();
        return Stream.of(
                new StreamCase("nothing written", "", 5, List.of()),
                new StreamCase("LF lines", "first\nsecond\n", 5, List.of(w + " s.sh: first", w + " s.sh: second")),
                new StreamCase(
                        "CRLF lines, last one unterminated", "a\r\nb", 5, List.of(w + " s.sh: a", w + " s.sh: b")),
                new StreamCase("UTF-8 kept", "caf\u00e9\n", 5, List.of(w + " s.sh: caf\u00e9")),
                new StreamCase(
                        "over the line limit: rest counted",
                        "1\n2\n3\n4\n5",
                        2,
                        List.of(w + " s.sh: 1", w + " s.sh: 2", w + " s.sh: 3 more stderr lines not logged (limit 2)")),
                new StreamCase(
                        "zero lines allowed",
                        "a\nb\n",
                        0,
                        List.of(w + " s.sh: 2 more stderr lines not logged (limit 0)")),
                new StreamCase(
                        "long line cut at MAX_LINE bytes",
                        "x".repeat(StderrRelay.MAX_LINE + 100) + "\nnext\n",
                        5,
                        List.of(w + " s.sh: " + "x".repeat(StderrRelay.MAX_LINE), w + " s.sh: next")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamCases")
    void logsAStreamReadToItsEnd(StreamCase c) {
        ByteArrayInputStream stderr = new ByteArrayInputStream(c.stderr().getBytes(StandardCharsets.UTF_8));
        StderrRelay.perRequest(LOG, "s.sh", c.maxLines()).readToEnd(stderr);
        assertEquals(c.logged(), logged());
        assertEquals(0, stderr.available(), "stderr read to its end so the script never blocks");
    }

    // ---- an application's STDERR records, in pieces (formerly StderrLinesTest) ----

    record PiecesCase(String name, List<String> pieces, List<String> lines) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<PiecesCase> piecesCases() {
        String longLine = "x".repeat(StderrRelay.MAX_LINE);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < StderrRelay.MAX_LINES; i++) {
            many.add("/s.php: " + i);
        }
        many.add("/s.php: 5 more stderr lines not logged (limit " + StderrRelay.MAX_LINES + ")");
        return Stream.of(
                new PiecesCase("one line", List.of("hello\n"), List.of("/s.php: hello")),
                new PiecesCase(
                        "split across pieces",
                        List.of("hel", "lo\nwor", "ld\n"),
                        List.of("/s.php: hello", "/s.php: world")),
                new PiecesCase("CR LF", List.of("a\r\nb\r\n"), List.of("/s.php: a", "/s.php: b")),
                new PiecesCase("CR and LF in two pieces", List.of("a\r", "\nb"), List.of("/s.php: a", "/s.php: b")),
                new PiecesCase("last line without newline", List.of("a\nb"), List.of("/s.php: a", "/s.php: b")),
                new PiecesCase("last line ending in CR", List.of("a\r"), List.of("/s.php: a")),
                new PiecesCase("empty line kept", List.of("a\n\nb\n"), List.of("/s.php: a", "/s.php: ", "/s.php: b")),
                new PiecesCase(
                        "UTF-8 split inside a character", List.of("caf\u00c3", "\u00a9\n"), List.of("/s.php: café")),
                // one limit for every relay: the rest of an over-long line is dropped, not logged
                // as a line of its own (StderrLines logged it in pieces of its 8 KiB)
                new PiecesCase(
                        "over-long line cut, its rest dropped",
                        List.of(longLine + "yz\n", "next\n"),
                        List.of("/s.php: " + longLine, "/s.php: next")),
                new PiecesCase(
                        "over-long line cut across pieces",
                        List.of(longLine.substring(5), "xxxxxyz", "z\r\nnext\n"),
                        List.of("/s.php: " + longLine, "/s.php: next")),
                new PiecesCase(
                        "over-long line without newline cut at the end",
                        List.of(longLine + "yz"),
                        List.of("/s.php: " + longLine)),
                new PiecesCase("a stray CR is kept, escaped", List.of("10%\r20%\n"), List.of("/s.php: 10%\\r20%")),
                new PiecesCase(
                        "binary bytes: controls escaped, malformed UTF-8 replaced",
                        List.of("a\u0000b\u001b[31mc\u00ff\n"),
                        List.of("/s.php: a\\x00b\\x1b[31mc\ufffd")),
                new PiecesCase(
                        "line limit",
                        Stream.iterate(0, i -> i + 1)
                                .limit(StderrRelay.MAX_LINES + 5)
                                .map(i -> i + "\n")
                                .toList(),
                        many));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("piecesCases")
    void logsOneRecordPerLine(PiecesCase c) {
        StderrRelay relay = StderrRelay.perRequest(LOG, "/s.php", StderrRelay.MAX_LINES);
        for (String piece : c.pieces()) {
            // pieces are Latin-1 here so that a test can split a UTF-8 sequence
            ByteBuffer content = ByteBuffer.wrap(piece.getBytes(StandardCharsets.ISO_8859_1));
            relay.feed(content);
            assertEquals(0, content.position(), "the record's buffer is left as it was");
        }
        relay.finish();
        assertEquals(c.lines(), messages());
        assertTrue(records.stream().allMatch(r -> r.getLevel() == Level.WARNING), logged().toString());
    }

    // ---- the budget and the servlet's figures ----

    @Test
    void countsLoggedAndDroppedLinesAndSaysSoOnce() {
        LongAdder logged = new LongAdder();
        LongAdder dropped = new LongAdder();
        StderrRelay relay = StderrRelay.perRequest(LOG, "s.sh", 3, logged, dropped);
        byte[] five = "1\n2\n3\n4\n5\n".getBytes(StandardCharsets.US_ASCII);
        relay.feed(five, 0, five.length);
        relay.finish();
        relay.finish(); // the proxy's failure path may finish after its completion did
        assertEquals(3, logged.sum());
        assertEquals(2, dropped.sum());
        assertEquals(
                List.of("s.sh: 1", "s.sh: 2", "s.sh: 3", "s.sh: 2 more stderr lines not logged (limit 3)"), messages());
    }

    // ---- a managed server's output (formerly OutputRelay) ----

    @Test
    void aServersOutputHasNoBudgetTakesItsLevelFromTheLineAndKeepsItsTail() {
        StderrRelay relay = StderrRelay.perServer(LOG, "php");
        int count = StderrRelay.MAX_LINES + 50;
        StringBuilder out = new StringBuilder();
        IntStream.range(0, count)
                .forEach(i -> out.append("NOTICE: line ").append(i).append('\n'));
        out.append("[07-Dec-2026 02:00:00] WARNING: [pool www] server reached pm.max_children\n");
        out.append("ERROR: unable to bind\nALERT: a\nEMERG: b\n");
        out.append("partial");
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        relay.feed(bytes, 0, bytes.length);
        relay.finish();

        List<String> logged = logged();
        assertEquals(count + 5, logged.size(), "every line of a server is logged");
        assertEquals("INFO php: NOTICE: line 0", logged.get(0));
        assertEquals(
                List.of(
                        "WARNING php: [07-Dec-2026 02:00:00] WARNING: [pool www] server reached pm.max_children",
                        "WARNING php: ERROR: unable to bind",
                        "WARNING php: ALERT: a",
                        "WARNING php: EMERG: b",
                        "INFO php: partial"),
                logged.subList(count, count + 5));
        List<String> tail = relay.tail();
        assertEquals(StderrRelay.TAIL_LINES, tail.size());
        assertEquals("partial", tail.get(tail.size() - 1));
        assertEquals("NOTICE: line " + (count - StderrRelay.TAIL_LINES + 5), tail.get(0));
        assertEquals(List.of(), StderrRelay.perRequest(LOG, "s.sh", 5).tail(), "a request's relay keeps none");
    }

    @Test
    @Timeout(10) // a drain that blocked on the open, empty pipe would hang here
    void drainReadsWhatIsThereWithoutBlocking() throws IOException {
        PipedOutputStream writer = new PipedOutputStream();
        PipedInputStream pipe = new PipedInputStream(writer, 65536);
        StderrRelay relay = StderrRelay.perServer(LOG, "php");
        relay.drain(pipe); // nothing written: returns
        writer.write("one\ntw".getBytes(StandardCharsets.US_ASCII));
        relay.drain(pipe); // returns once the pipe is empty, the writer still open
        assertEquals(List.of("INFO php: one"), logged());
        writer.write("o\n".getBytes(StandardCharsets.US_ASCII));
        writer.close();
        relay.drain(pipe);
        relay.drain(pipe); // at its end, closed: nothing more and no failure
        assertEquals(List.of("INFO php: one", "INFO php: two"), logged());
    }

    // ---- the pump that drains scripts' pipes ----

    @Test
    @Timeout(20)
    void thePumpDrainsWhileTheScriptRunsAndRemoveLogsTheRest() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        InputStream pipe = new PipedInputStream(writer, 65536);
        try (StderrPump pump = new StderrPump("test-stderr-pump")) {
            StderrRelay relay = StderrRelay.perRequest(LOG, "s.sh", 5);
            pump.add(relay, pipe);
            writer.write("early\n".getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (messages().isEmpty() && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            assertEquals(List.of("s.sh: early"), messages(), "drained before the script ends");
            writer.write("last, no newline".getBytes(StandardCharsets.US_ASCII));
            writer.close();
            pump.remove(relay);
            assertEquals(List.of("s.sh: early", "s.sh: last, no newline"), messages());
        }
    }
}

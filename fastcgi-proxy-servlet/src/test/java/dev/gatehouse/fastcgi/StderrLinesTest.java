package dev.gatehouse.fastcgi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** STDERR pieces in, log lines out: lines split anywhere, CR LF, an unterminated last line, limits. */
class StderrLinesTest {

    record Case(String name, List<String> pieces, List<String> lines) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String longLine = "x".repeat(StderrLines.MAX_LINE);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < StderrLines.MAX_LINES; i++) {
            many.add("/s.php: " + i);
        }
        many.add("/s.php: 5 more stderr lines not logged");
        return Stream.of(
                new Case("one line", List.of("hello\n"), List.of("/s.php: hello")),
                new Case(
                        "split across pieces",
                        List.of("hel", "lo\nwor", "ld\n"),
                        List.of("/s.php: hello", "/s.php: world")),
                new Case("CR LF", List.of("a\r\nb\r\n"), List.of("/s.php: a", "/s.php: b")),
                new Case("last line without newline", List.of("a\nb"), List.of("/s.php: a", "/s.php: b")),
                new Case("empty line kept", List.of("a\n\nb\n"), List.of("/s.php: a", "/s.php: ", "/s.php: b")),
                new Case("UTF-8 split inside a character", List.of("caf\u00c3", "\u00a9\n"), List.of("/s.php: café")),
                new Case(
                        "over-long line cut", List.of(longLine + "yz\n"), List.of("/s.php: " + longLine, "/s.php: yz")),
                new Case(
                        "line limit",
                        Stream.iterate(0, i -> i + 1)
                                .limit(StderrLines.MAX_LINES + 5)
                                .map(i -> i + "\n")
                                .toList(),
                        many));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void logsOneRecordPerLine(Case c) {
        Logger logger = Logger.getLogger("dev.gatehouse.fastcgi.stderr");
        List<String> logged = new ArrayList<>();
        SimpleFormatter formatter = new SimpleFormatter();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(formatter.formatMessage(record));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(handler);
        try {
            StderrLines lines = new StderrLines("/s.php");
            for (String piece : c.pieces()) {
                // pieces are Latin-1 here so that a test can split a UTF-8 sequence
                lines.accept(ByteBuffer.wrap(piece.getBytes(StandardCharsets.ISO_8859_1)));
            }
            lines.finish();
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(c.lines(), logged);
    }
}

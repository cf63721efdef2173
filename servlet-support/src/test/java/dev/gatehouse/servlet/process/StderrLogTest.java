package dev.gatehouse.servlet.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Stderr to log lines: one per line, cut at MAX_LINE bytes, at most maxLines, the rest counted. */
class StderrLogTest {

    /** System.Logger is backed by java.util.logging when no other LoggerFinder is installed. */
    private final Logger jul = Logger.getLogger("dev.gatehouse.cgi.stderr");

    private final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            logged.add(record.getLevel() + " " + formatter.formatMessage(record));
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

    record Case(String name, String stderr, int maxLines, List<String> logged) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String w = Level.WARNING.toString();
        return Stream.of(
                new Case("nothing written", "", 5, List.of()),
                new Case("LF lines", "first\nsecond\n", 5, List.of(w + " s.sh: first", w + " s.sh: second")),
                new Case("CRLF lines, last one unterminated", "a\r\nb", 5, List.of(w + " s.sh: a", w + " s.sh: b")),
                new Case("UTF-8 kept", "caf\u00e9\n", 5, List.of(w + " s.sh: caf\u00e9")),
                new Case(
                        "over the line limit: rest counted",
                        "1\n2\n3\n4\n5",
                        2,
                        List.of(w + " s.sh: 1", w + " s.sh: 2", w + " s.sh: 3 more stderr lines not logged (limit 2)")),
                new Case(
                        "zero lines allowed",
                        "a\nb\n",
                        0,
                        List.of(w + " s.sh: 2 more stderr lines not logged (limit 0)")),
                new Case(
                        "long line cut at MAX_LINE bytes",
                        "x".repeat(StderrLog.MAX_LINE + 100) + "\nnext\n",
                        5,
                        List.of(w + " s.sh: " + "x".repeat(StderrLog.MAX_LINE), w + " s.sh: next")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void logs(Case c) {
        ByteArrayInputStream stderr = new ByteArrayInputStream(c.stderr().getBytes(StandardCharsets.UTF_8));
        new StderrLog(stderr, "s.sh", c.maxLines()).run();
        assertEquals(c.logged(), logged);
        assertEquals(0, stderr.available(), "stderr read to its end so the script never blocks");
    }
}

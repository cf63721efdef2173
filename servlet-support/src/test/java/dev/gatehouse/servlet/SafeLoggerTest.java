package dev.gatehouse.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Control characters a client put in a URI or header cannot start a log line of their own. */
class SafeLoggerTest {

    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of("/plain/path?q=1", "/plain/path?q=1"),
                Arguments.of("/nonexist\nSEVERE: FORGED", "/nonexist\\nSEVERE: FORGED"),
                Arguments.of("/a\r\nb", "/a\\r\\nb"),
                Arguments.of("tab\there", "tab\\there"),
                Arguments.of("back\\slash", "back\\\\slash"),
                Arguments.of("nul\u0000bell\u0007esc\u001b", "nul\\x00bell\\x07esc\\x1b"),
                Arguments.of("del\u007fc1\u0085", "del\\x7fc1\\x85"),
                Arguments.of("unicode \u00e9 \u6f22", "unicode \u00e9 \u6f22"));
    }

    @ParameterizedTest
    @MethodSource("escapes")
    void escapesControlCharactersAndBackslash(String raw, String escaped) {
        assertEquals(escaped, SafeLogger.escape(raw));
    }

    @Test
    void returnsTheSameStringWhenNothingNeedsEscaping() {
        String s = "/ctx/cgi-bin/env.sh/extra";
        assertSame(s, SafeLogger.escape(s));
    }

    @Test
    void controlCharactersInAPathAreFound() {
        assertEquals(false, SafeLogger.hasControl("/a b/ü\\x"));
        assertEquals(true, SafeLogger.hasControl("/info.php/a\r\nb"));
        assertEquals(true, SafeLogger.hasControl("/x\u0000"));
        assertEquals(true, SafeLogger.hasControl("/x\u0085"));
    }

    /** Through java.util.logging, the default backend of System.Logger, as containers see it. */
    @Test
    void escapesParametersAndWholeMessagesButNotNumbers() {
        String name = "dev.gatehouse.servlet.test." + System.nanoTime();
        Logger jul = Logger.getLogger(name);
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(capture);
        jul.setUseParentHandlers(false);
        try {
            System.Logger log = SafeLogger.of(name);
            log.log(Level.WARNING, "{0}: {1}, took {2} ms", "/x\nSEVERE: FORGED", new StringBuilder("a\rb"), 1234);
            log.log(Level.WARNING, "/y\nSEVERE: FORGED: failed", new IllegalStateException("boom"));
            log.log(Level.WARNING, "/z\nSEVERE: FORGED");
            assertEquals(3, records.size());
            assertEquals("/x\\nSEVERE: FORGED", records.get(0).getParameters()[0]);
            assertEquals("a\\rb", records.get(0).getParameters()[1]);
            assertEquals(1234, records.get(0).getParameters()[2]);
            assertEquals("/y\\nSEVERE: FORGED: failed", records.get(1).getMessage());
            assertEquals("boom", records.get(1).getThrown().getMessage());
            assertEquals("/z\\nSEVERE: FORGED", records.get(2).getMessage());
        } finally {
            jul.removeHandler(capture);
        }
    }
}

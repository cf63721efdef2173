package dev.gatehouse.cgi.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 3875 §4.4 search-query arguments, and the refusals that keep them from becoming options. */
class CommandArgumentsTest {

    private static final List<String> COMMAND = List.of("php-cgi", "/srv/cgi/x.php");

    /** @param args what follows the command; empty when the query must yield no arguments */
    record Case(String name, String query, boolean enabled, List<String> args) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("disabled", "a+b", false, List.of()),
                new Case("disabled, even for an option", "-s", false, List.of()),
                new Case("empty query", "", true, List.of()),
                new Case("query with '=' is a form, not a search", "a=1", true, List.of()),
                new Case("'=' in any word", "a+b=c", true, List.of()),
                new Case("words split at '+', escapes decoded", "a+b%20c", true, List.of("a", "b c")),
                new Case("single word", "word", true, List.of("word")),
                new Case("empty words skipped", "+a++b+", true, List.of("a", "b")),
                new Case("only separators", "++", true, List.of()),
                new Case("encoded '+' and '=' are data", "1%2B1%3D2", true, List.of("1+1=2")),
                new Case("UTF-8 escapes", "caf%C3%A9", true, List.of("caf\u00e9")),
                new Case("lower-case hex", "%7euser", true, List.of("~user")),
                new Case("leading '-' (CVE-2012-1823)", "-s", true, List.of()),
                new Case("'-' in a later word drops all", "a+-dallow_url_include%3d1+b", true, List.of()),
                new Case("encoded '-'", "%2Ds", true, List.of()),
                new Case("encoded '-', lower-case hex", "a+%2ds", true, List.of()),
                new Case("'--'", "--", true, List.of()),
                new Case("'-' after a space is not an option", "%20-s", true, List.of(" -s")),
                new Case("'-' inside a word is fine", "a-b", true, List.of("a-b")),
                new Case("malformed escape: not hex", "a+%zz", true, List.of()),
                new Case("malformed escape: one digit", "a+%4", true, List.of()),
                new Case("malformed escape: '%' at the end", "a%", true, List.of()),
                new Case("escape of NUL", "a%00b", true, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void append(Case c) {
        List<String> expected = new ArrayList<>(COMMAND);
        expected.addAll(c.args());
        assertEquals(expected, CommandArguments.append(COMMAND, c.query(), c.enabled()));
    }

    @Test
    void commandListIsNotModified() {
        List<String> command = new ArrayList<>(COMMAND);
        assertEquals(List.of("php-cgi", "/srv/cgi/x.php", "a"), CommandArguments.append(command, "a", true));
        assertEquals(COMMAND, command);
    }
}

package dev.gatehouse.cgi.mapping;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The command-line arguments of RFC 3875 §4.4 (the ISINDEX-style search query). Off unless
 * configured: a query string that becomes argv has let clients pass options to interpreters
 * (php-cgi {@code -s}/{@code -d}, CVE-2012-1823; Windows batch files, CVE-2019-0232). Even when
 * on, a query whose words include one starting with {@code -} yields no arguments at all.
 */
public final class CommandArguments {

    private CommandArguments() {}

    /** {@code command} followed by the search words of {@code query}, when enabled and safe. */
    public static List<String> append(List<String> command, String query, boolean enabled) {
        if (!enabled || query.isEmpty() || query.indexOf('=') >= 0) {
            return command;
        }
        List<String> argv = new ArrayList<>(command);
        for (String word : query.split("\\+")) {
            if (word.isEmpty()) {
                continue;
            }
            String decoded = decode(word);
            if (decoded == null || decoded.startsWith("-")) {
                return command;
            }
            argv.add(decoded);
        }
        return argv;
    }

    /** %XX-decodes a search word; null when an escape is malformed or decodes to NUL. */
    static String decode(String word) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(word.length());
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '%') {
                if (i + 2 >= word.length()) {
                    return null;
                }
                int hi = Character.digit(word.charAt(i + 1), 16);
                int lo = Character.digit(word.charAt(i + 2), 16);
                if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

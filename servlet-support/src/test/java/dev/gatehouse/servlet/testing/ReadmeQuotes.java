package dev.gatehouse.servlet.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the README's code blocks true to code that compiles and is tested: each block marked
 * {@code <!-- MARKER quoted from PATH: … -->} must appear in PATH (relative to the repository root)
 * as a run of whole lines, indentation aside. The one check behind the async guide's, the typed
 * API's and the Spring Boot section's README tests.
 */
public final class ReadmeQuotes {

    private ReadmeQuotes() {}

    /**
     * Checks every block whose comment starts with {@code marker} ("" for a bare {@code quoted
     * from}) and returns how many there are, for the caller to pin.
     */
    public static int check(Path root, String marker) throws IOException {
        Pattern quoted = Pattern.compile(
                "<!-- " + Pattern.quote(marker + (marker.isEmpty() ? "" : " "))
                        + "quoted from (\\S+): [^>]*-->\\n```\\w*\\n(.*?)\\n```",
                Pattern.DOTALL);
        String readme = Files.readString(root.resolve("README.md"));
        Matcher m = quoted.matcher(readme);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            List<String> file = stripped(Files.readString(root.resolve(m.group(1))));
            List<String> block = stripped(m.group(2));
            assertTrue(
                    Collections.indexOfSubList(file, block) >= 0,
                    "the README's block quoted from " + m.group(1) + " is not in that file as it stands:\n"
                            + m.group(2));
        }
        return blocks;
    }

    private static List<String> stripped(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            lines.add(line.strip());
        }
        return lines;
    }
}

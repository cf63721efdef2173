package dev.gatehouse.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Spring Boot section quotes {@link GatehouseApplication}, which the Boot ITs run:
 * every block marked {@code <!-- Spring Boot example, quoted from PATH … -->} must appear in PATH
 * as a run of whole lines (indentation aside), so the README cannot drift from code that is
 * compiled and tested.
 */
class SpringBootReadmeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern QUOTED = Pattern.compile(
            "<!-- Spring Boot example, quoted from (\\S+): [^>]*-->\\n```\\w*\\n(.*?)\\n```", Pattern.DOTALL);

    @Test
    void everyQuotedBlockIsInItsFile() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = QUOTED.matcher(readme);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            List<String> file = stripped(Files.readString(ROOT.resolve(m.group(1))));
            List<String> block = stripped(m.group(2));
            assertTrue(
                    Collections.indexOfSubList(file, block) >= 0,
                    "the README's block quoted from " + m.group(1) + " is not in that file as it stands:\n"
                            + m.group(2));
        }
        assertEquals(1, blocks, "quoted blocks in the README's Spring Boot section");
    }

    private static List<String> stripped(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            lines.add(line.strip());
        }
        return lines;
    }
}

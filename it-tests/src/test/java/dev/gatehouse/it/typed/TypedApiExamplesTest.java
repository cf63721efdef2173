package dev.gatehouse.it.typed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.AsgiApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's typed-API examples build (so their settings pass the init-param validation), and
 * every block marked {@code <!-- typed API example, quoted from PATH … -->} appears in PATH as
 * a run of whole lines (indentation aside), so the README cannot drift from code that compiles.
 */
class TypedApiExamplesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern QUOTED = Pattern.compile(
            "<!-- typed API example, quoted from (\\S+): [^>]*-->\\n```\\w*\\n(.*?)\\n```", Pattern.DOTALL);

    @Test
    void everyExampleBuilds() {
        AsgiApplication app = (scope, receive, send) -> CompletableFuture.completedFuture(null);
        TypedApiExamples.cgi();
        TypedApiExamples.php();
        TypedApiExamples.asgi(app);
        TypedApiExamples.authorizer();
    }

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
        assertEquals(5, blocks, "quoted blocks in the README's typed-API section");
    }

    private static List<String> stripped(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            lines.add(line.strip());
        }
        return lines;
    }
}

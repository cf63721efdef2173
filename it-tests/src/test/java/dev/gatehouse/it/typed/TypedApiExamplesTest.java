package dev.gatehouse.it.typed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.servlet.testing.ReadmeQuotes;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The README's typed-API examples build (so their settings pass the init-param validation), and
 * every block marked {@code <!-- typed API example, quoted from PATH … -->} appears in PATH as
 * a run of whole lines (indentation aside), so the README cannot drift from code that compiles.
 */
class TypedApiExamplesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

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
        assertEquals(
                5, ReadmeQuotes.check(ROOT, "typed API example,"), "quoted blocks in the README's typed-API section");
    }
}

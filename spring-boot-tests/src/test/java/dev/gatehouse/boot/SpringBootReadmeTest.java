package dev.gatehouse.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.servlet.testing.ReadmeQuotes;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's Spring Boot section quotes {@link GatehouseApplication}, which the Boot ITs run:
 * every block marked {@code <!-- Spring Boot example, quoted from PATH … -->} must appear in PATH
 * as a run of whole lines (indentation aside), so the README cannot drift from code that is
 * compiled and tested.
 */
class SpringBootReadmeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyQuotedBlockIsInItsFile() throws Exception {
        assertEquals(
                1,
                ReadmeQuotes.check(ROOT, "Spring Boot example,"),
                "quoted blocks in the README's Spring Boot section");
    }
}

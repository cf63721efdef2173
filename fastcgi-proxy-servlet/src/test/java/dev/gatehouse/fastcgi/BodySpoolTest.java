package dev.gatehouse.fastcgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.RequestBodyException;
import dev.gatehouse.servlet.SpoolBudget;
import dev.gatehouse.servlet.testing.FakeInputStream;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a {@link BodySpool} ends when the body cannot be read: a failed read is the client's
 * ({@link RequestBodyException}, whether the container threw it checked, as Tomcat does, or
 * unchecked, as Jetty does), a temp file that cannot be written is not; either way the file is
 * gone and the owner hears of it once.
 */
class BodySpoolTest {

    /** Past the memory part, so that a temp file exists when the read fails. */
    private static final int BEFORE_FAILURE = BodySpool.MEMORY_BYTES + 10_000;

    @TempDir
    Path dir;

    private final AtomicReference<IOException> error = new AtomicReference<>();
    private final AtomicReference<Long> spooled = new AtomicReference<>();

    @Test
    void aCheckedReadFailureIsTheClientsAndTheFileIsDeleted() throws Exception {
        IOException thrown = new IOException("Invalid chunk header");
        BodySpool spool = spool(failingInput(BEFORE_FAILURE, thrown), dir);
        spool.onDataAvailable();
        RequestBodyException e = assertInstanceOf(RequestBodyException.class, error.get());
        assertSame(thrown, e.getCause());
        assertNull(spooled.get());
        assertEquals(List.of(), files());
    }

    @Test
    void anUncheckedReadFailureDoesNotEscapeTheListener() throws Exception {
        RuntimeException thrown = new IllegalArgumentException("Bad chunk char: 122");
        BodySpool spool = spool(failingInput(BEFORE_FAILURE, thrown), dir);
        spool.onDataAvailable(); // Jetty's BadMessageException is unchecked: it must not escape
        RequestBodyException e = assertInstanceOf(RequestBodyException.class, error.get());
        assertSame(thrown, e.getCause());
        assertEquals(List.of(), files());
    }

    @Test
    void aFailureReportedToTheListenerIsTheClients() throws Exception {
        BodySpool spool = spool(failingInput(BEFORE_FAILURE, null), dir);
        spool.onDataAvailable();
        assertEquals(1, files().size(), "the body past the memory part is in a file");
        spool.onError(new java.io.EOFException("Early EOF"));
        RequestBodyException e = assertInstanceOf(RequestBodyException.class, error.get());
        assertEquals(RequestBodyException.Fault.GONE, e.fault());
        assertEquals(List.of(), files());
    }

    @Test
    void aTempFileThatCannotBeCreatedIsNotTheClientsFault() throws Exception {
        BodySpool spool = spool(failingInput(BEFORE_FAILURE, null), dir.resolve("missing"));
        spool.onDataAvailable();
        IOException e = error.get();
        assertInstanceOf(IOException.class, e);
        assertFalse(e instanceof RequestBodyException, "the server's fault: " + e);
    }

    private BodySpool spool(ServletInputStream in, Path directory) {
        return new BodySpool(
                in,
                null,
                new ContainerGuard(ContainerGuard.Owner.onLoss(() -> {})),
                directory,
                1 << 20,
                -1,
                spooled::set,
                e -> {
                    if (!error.compareAndSet(null, e)) {
                        throw new AssertionError("told twice: " + e);
                    }
                },
                SpoolBudget.unlimited().account(),
                Duration.ofMinutes(1));
    }

    private List<Path> files() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ready with {@code good} bytes, then {@code failure} thrown (or no more data while it is null). */
    private static FakeInputStream failingInput(int good, Throwable failure) {
        FakeInputStream in = new FakeInputStream().add(new byte[good]);
        return failure == null ? in : in.fail(failure);
    }
}

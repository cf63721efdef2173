package dev.gatehouse.servlet.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.servlet.path.PathRefusal.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk's own contract: where it stops, and the parameters by which the two gateways differ.
 * The hostile paths both must refuse are one table in fastcgi-proxy-servlet's {@code
 * HostilePathsTest}, run through both.
 *
 * <pre>
 * base/outside/x
 * base/root/a/b/file  .well-known/t  link -> a  out -> ../outside  dangling -> none
 * </pre>
 */
class ConfinedWalkTest {
    @TempDir
    Path base;

    private Path root;

    @BeforeEach
    void tree() throws IOException {
        Files.createDirectories(base.resolve("outside"));
        Files.writeString(base.resolve("outside/x"), "x");
        root = Files.createDirectories(base.resolve("root")).toRealPath();
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/file"), "f");
        Files.createDirectories(root.resolve(".well-known"));
        Files.writeString(root.resolve(".well-known/t"), "t");
        Files.createSymbolicLink(root.resolve("link"), Path.of("a"));
        Files.createSymbolicLink(root.resolve("out"), Path.of("../outside"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("none"));
    }

    private ConfinedWalk walk(boolean wellKnown, String noun) throws IOException {
        return new ConfinedWalk(root, "test root", SymlinkPolicy.INSIDE_ROOT, wellKnown, noun);
    }

    @Test
    void stopsAtTheFirstSegmentThatIsNoDirectoryOrMissingOrLast() throws Exception {
        ConfinedWalk walk = walk(false, "file");
        ConfinedWalk.Stop file = walk.walk(List.of("a", "b", "file", "more"), "/a/b/file/more");
        assertEquals(2, file.index());
        assertEquals(root.resolve("a/b/file"), file.entry().file());
        ConfinedWalk.Stop dir = walk.walk(List.of("a", "b"), "/a/b");
        assertEquals(1, dir.index());
        assertTrue(dir.entry().attributes().isDirectory());
        ConfinedWalk.Stop missing = walk.walk(List.of("a", "nope", "x"), "/a/nope/x");
        assertEquals(1, missing.index());
        assertTrue(missing.missing());
        assertTrue(walk.walk(List.of("dangling"), "/dangling").missing(), "a dangling link is a missing file");
        ConfinedWalk.Stop none = walk.walk(List.of(), "/");
        assertEquals(-1, none.index());
        assertEquals(root, none.entry().file());
    }

    @Test
    void aLinkIsReportedByItsRealPathAndOneOutOfTheRootRefused() throws Exception {
        ConfinedWalk walk = walk(false, "file");
        assertEquals(
                root.resolve("a/b/file"),
                walk.walk(List.of("link", "b", "file"), "/link/b/file").entry().file());
        PathRefusal out = assertThrows(PathRefusal.class, () -> walk.walk(List.of("out", "x"), "/out/x"));
        assertEquals(Status.FORBIDDEN, out.status());
        assertEquals("a link resolving outside the root: /out/x", out.getMessage());
    }

    @Test
    void wellKnownPassesOnlyWhereTheWalkAllowsIt() throws Exception {
        List<String> path = List.of(".well-known", "t");
        assertEquals(
                root.resolve(".well-known/t"),
                walk(true, "file").walk(path, "/w").entry().file());
        PathRefusal refused =
                assertThrows(PathRefusal.class, () -> walk(false, "file").walk(path, "/w"));
        assertEquals(Status.FORBIDDEN, refused.status());
        assertEquals("hidden path segment in /w", refused.getMessage());
    }

    /** As walked, the first bad segment decides; checked whole, any 404 comes before any 403. */
    @Test
    void checkAllFindsEveryIllegalSegmentBeforeAnyHiddenOne() throws Exception {
        List<String> segments = List.of(".git", "..", "x");
        assertEquals(
                Status.NOT_FOUND,
                assertThrows(PathRefusal.class, () -> walk(false, "file").checkAll(segments, "/p"))
                        .status());
        assertEquals(
                Status.FORBIDDEN,
                assertThrows(PathRefusal.class, () -> walk(false, "file").walk(segments, "/p"))
                        .status());
    }

    @Test
    void pathInfoAllowsEmptySegmentsAndWellKnownOnly() throws Exception {
        ConfinedWalk.checkPathInfo(List.of("", "a", "", ".well-known", ""), "/x/");
        for (List<String> bad : List.of(List.of(".env"), List.of(".."), List.of("a\\b"), List.of("a\0"))) {
            assertThrows(PathRefusal.class, () -> ConfinedWalk.checkPathInfo(bad, "/x"), bad.toString());
        }
    }

    @Test
    void aNameTheFileSystemCannotHoldIsNotFoundInTheWalksWords() throws Exception {
        String name = "n".repeat(300);
        PathRefusal script =
                assertThrows(PathRefusal.class, () -> walk(false, "script").walk(List.of(name), "/long"));
        assertEquals(Status.NOT_FOUND, script.status());
        assertEquals("no such script (File name too long): /long", script.getMessage());
        PathRefusal file =
                assertThrows(PathRefusal.class, () -> walk(true, "file").walk(List.of(name), "/long"));
        assertEquals("no such file (File name too long): /long", file.getMessage());
    }

    @Test
    void theRootMustBeAnExistingDirectory() throws Exception {
        IOException notDir = assertThrows(
                IOException.class,
                () -> new ConfinedWalk(
                        root.resolve("a/b/file"), "test root", SymlinkPolicy.INSIDE_ROOT, false, "file"));
        assertEquals("test root is not a directory: " + root.resolve("a/b/file"), notDir.getMessage());
        assertThrows(
                IOException.class,
                () -> new ConfinedWalk(root.resolve("none"), "test root", SymlinkPolicy.INSIDE_ROOT, false, "file"));
        assertEquals(root, walk(false, "file").root());
        assertNull(walk(false, "file").lookup(root, "none", "/none"));
    }
}

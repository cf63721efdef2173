package dev.gatehouse.servlet.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Links under {@code root}: {@code in -> root/target}, {@code out -> outside/target}. */
class SymlinkPolicyTest {
    @TempDir
    Path base;

    private Path root;
    private Path outside;
    private Path in;
    private Path out;

    @BeforeEach
    void layout() throws IOException {
        root = Files.createDirectories(base.resolve("root")).toRealPath();
        outside = Files.createDirectories(base.resolve("outside")).toRealPath();
        Files.writeString(root.resolve("target"), "x");
        Files.writeString(outside.resolve("target"), "x");
        in = Files.createSymbolicLink(root.resolve("in"), root.resolve("target"));
        out = Files.createSymbolicLink(root.resolve("out"), outside.resolve("target"));
    }

    private String refusal(SymlinkPolicy policy, Path link) throws IOException {
        return policy.refusal(link, link.toRealPath(), root);
    }

    @Test
    void insideRootIsTheDefault() throws IOException {
        assertNull(refusal(SymlinkPolicy.INSIDE_ROOT, in));
        assertEquals("a link resolving outside the root", refusal(SymlinkPolicy.INSIDE_ROOT, out));
    }

    @Test
    void linkTargetsWidenInsideRootAndOwnerMatch() throws IOException {
        List<Path> targets = SymlinkPolicy.targets(outside + ", ");
        assertNull(refusal(SymlinkPolicy.of(SymlinkPolicy.Mode.INSIDE_ROOT, targets), out));
        assertNull(refusal(SymlinkPolicy.of(SymlinkPolicy.Mode.OWNER_MATCH, targets), out));
    }

    @Test
    void noneAndAll() throws IOException {
        SymlinkPolicy none = SymlinkPolicy.of(SymlinkPolicy.Mode.NONE, List.of());
        assertEquals("a symbolic link (followSymlinks=none)", refusal(none, in));
        SymlinkPolicy all = SymlinkPolicy.of(SymlinkPolicy.Mode.ALL, List.of());
        assertNull(refusal(all, out));
    }

    /**
     * ownerMatch follows a link out of the root whose owner owns the target, and refuses one
     * whose target belongs to someone else. As root (CI) the target is given to {@code nobody}
     * with chown; as anyone else a link to {@code /etc/passwd} (root's) is foreign already, so
     * the refusal is checked either way.
     */
    @Test
    void ownerMatchComparesTheLinksOwnerWithItsTargets() throws IOException {
        SymlinkPolicy owner = SymlinkPolicy.of(SymlinkPolicy.Mode.OWNER_MATCH, List.of());
        assertNull(refusal(owner, out));
        UserPrincipal me = Files.getOwner(out, LinkOption.NOFOLLOW_LINKS);
        UserPrincipal rootUser = Files.getOwner(Path.of("/etc/passwd"));
        Path foreign;
        if (me.equals(rootUser)) {
            UserPrincipal nobody =
                    base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(outside.resolve("target"), nobody);
            foreign = out;
        } else {
            foreign = Files.createSymbolicLink(root.resolve("passwd"), Path.of("/etc/passwd"));
        }
        assertNotEquals(me, Files.getOwner(foreign.toRealPath()));
        assertEquals("a link whose owner is not its target's (followSymlinks=ownerMatch)", refusal(owner, foreign));
    }

    @Test
    void badValuesSayWhy() {
        assertEquals(
                "expected insideRoot, ownerMatch, all or none",
                assertThrows(IllegalArgumentException.class, () -> SymlinkPolicy.Mode.parse("yes"))
                        .getMessage());
        assertEquals(
                "relative is not an absolute path",
                assertThrows(IllegalArgumentException.class, () -> SymlinkPolicy.targets("relative"))
                        .getMessage());
        assertEquals(
                base + "/missing does not exist",
                assertThrows(IllegalArgumentException.class, () -> SymlinkPolicy.targets(base + "/missing"))
                        .getMessage());
        assertEquals(
                "init-param linkTargets has no effect with followSymlinks=none",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> SymlinkPolicy.of(SymlinkPolicy.Mode.NONE, List.of(outside)))
                        .getMessage());
    }
}

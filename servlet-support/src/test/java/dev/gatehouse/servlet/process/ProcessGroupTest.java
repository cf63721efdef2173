package dev.gatehouse.servlet.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The /proc reading behind {@link ProcessGroup}, and its guard against a recycled group id. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessGroupTest {

    @TempDir
    java.nio.file.Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "4242 (php-fpm8.2) S 1 4240 4240 0 -1 4194624 1 0 0 0 0 0 0 0 20 0 1 0 98765 1 2 3|S|4240|98765",
                "7 (a) b) (c) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12 0 0|Z|7|12",
                "9 (sh -c x) R 2 3 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0|R|3|5",
            })
    void parsesStateGroupAndStartTimeAfterTheLastParenthesis(String line, char state, long group, long start) {
        assertEquals(new ProcessGroup.Stat(state, group, start), ProcessGroup.Stat.parse(line));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"no parenthesis at all", "1 (x) S 1 2", "1 (x) S 1 two 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5"})
    void refusesATruncatedOrMalformedLine(String line) {
        assertNull(ProcessGroup.Stat.parse(line));
    }

    /**
     * A leader's pid recycled by a new group leader after the old group emptied: the start time
     * recorded at the start no longer matches, and the group has no members for us to kill.
     */
    @Test
    void aGroupWhoseLeaderPidNamesAnotherProcessHasNoMembers() throws Exception {
        ChildProcess p =
                ChildProcess.start(List.of("/bin/sleep", "30"), Map.of("PATH", "/usr/bin:/bin"), dir, "t", true);
        try {
            ProcessGroup group = p.group();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (group.members().isEmpty()) { // setsid() runs in the child after the start
                assertTrue(System.nanoTime() < deadline, "setsid made the process a group leader");
                Thread.onSpinWait();
            }
            assertEquals(List.of(p.pid()), group.members());
            ProcessGroup.Stat stat = ProcessGroup.Stat.read(p.pid());
            ProcessGroup stale = ProcessGroup.recorded(p.pid(), stat.startTime() - 1);
            assertEquals(List.of(), stale.members(), "the pid now names a process started at another time");
            stale.kill();
            assertTrue(p.isAlive(), "a stale group kills nothing");
        } finally {
            p.close();
        }
        assertTrue(p.group().awaitEmpty(5, TimeUnit.SECONDS));
    }
}

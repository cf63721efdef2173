package dev.gatehouse.servlet.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The walk of a process's own tree through /proc gives what the JDK's scan of every process
 * gives; on a kernel without the {@code children} files it is that scan, and the test still runs.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessTreeTest {

    @Test
    void findsChildrenAndGrandchildrenAsTheJdkDoes() throws Exception {
        // two children, one of which has a child of its own; the pids are printed once all run
        Process p = new ProcessBuilder(
                        "sh",
                        "-c",
                        "sleep 60 & a=$!; sh -c 'sleep 60 & echo $!; wait' > \"$0\" & b=$!;"
                                + " while [ ! -s \"$0\" ]; do sleep 0.01; done; echo $a $b $(cat \"$0\"); wait",
                        java.nio.file.Files.createTempFile("tree", ".pid").toString())
                .start();
        try {
            String line =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            Set<Long> expected = java.util.Arrays.stream(line.trim().split(" "))
                    .map(Long::valueOf)
                    .collect(Collectors.toSet());
            assertEquals(3, expected.size(), line);
            List<ProcessHandle> tree = ProcessTree.descendants(p.pid());
            Set<Long> found = tree.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
            assertEquals(p.descendants().map(ProcessHandle::pid).collect(Collectors.toSet()), found);
            assertTrue(found.containsAll(expected), "found " + found + ", expected " + expected);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aGoneProcessHasNoDescendants() {
        assertEquals(List.of(), ProcessTree.descendants(Long.MAX_VALUE));
    }
}

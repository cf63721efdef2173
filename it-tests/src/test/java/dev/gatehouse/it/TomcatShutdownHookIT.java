package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.HookStoppedTomcat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 2: an embedded Tomcat 11 stopped from the application's own JVM shutdown hook,
 * with the sample WAR's FastCGI proxy managing php-fpm. Both that hook and the managed backend's
 * hook run at once; the backend's must not be left running on classes of a web application class
 * loader that Tomcat has stopped meanwhile. Once the JVM has exited, no php-fpm process it started
 * and no {@code gatehouse-fcgi-*} directory in its {@code java.io.tmpdir} may remain.
 */
@Timeout(120)
class TomcatShutdownHookIT {

    @Test
    void stopFromAShutdownHookLeavesNothingBehind(@TempDir Path work) throws Exception {
        Path war = Path.of(System.getProperty("sample.war"));
        // short: the managed backend's Unix socket lives in a directory under it
        Path tmp = Files.createTempDirectory(Path.of("/tmp"), "gh-hook-");
        try {
            runAndCheck(war, tmp, work);
        } finally {
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void runAndCheck(Path war, Path tmp, Path work) throws Exception {
        Path base = Files.createDirectories(work.resolve("tomcat"));
        Path log = work.resolve("jvm.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                System.getProperty("java.class.path"),
                HookStoppedTomcat.class.getName(),
                war.toString(),
                base.toString()));
        Process jvm = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean exited = jvm.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            jvm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(exited, output);
        assertEquals(0, jvm.exitValue(), output);
        assertTrue(output.contains("STATUS 200"), output);
        String children = output.lines()
                .filter(l -> l.startsWith("CHILDREN "))
                .findFirst()
                .orElseThrow()
                .substring("CHILDREN ".length());
        assertFalse(children.isBlank(), "no php-fpm was started: " + output);
        long[] pids =
                Arrays.stream(children.split(",")).mapToLong(Long::parseLong).toArray();
        Await.until(
                () -> Arrays.stream(pids).noneMatch(TomcatShutdownHookIT::alive),
                () -> "processes of the run still alive: " + children);
        try (Stream<Path> left = Files.list(tmp)) {
            List<Path> dirs = left.filter(p -> p.getFileName().toString().startsWith("gatehouse-fcgi-"))
                    .toList();
            assertTrue(dirs.isEmpty(), "left behind: " + dirs + "\n" + output);
        }
        assertFalse(output.contains("NoClassDefFoundError"), output);
    }

    private static boolean alive(long pid) {
        // an exited child of the gone JVM that nobody reaped yet (a zombie) is gone for this test
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}

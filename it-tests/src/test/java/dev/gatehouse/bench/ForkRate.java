package dev.gatehouse.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine's raw rate of starting a script and waiting for it, with no server at all: a shell
 * loop runs {@code ./hello.sh >/dev/null} N times. One loop is the sequential rate the brief
 * calls the ceiling; as many loops as cores is what the machine can do in parallel.
 */
final class ForkRate {

    /** Generous: even 200 runs a second would finish 2,000 runs in 10 s. */
    private static final long TIMEOUT_SECONDS = 120;

    private final Path scriptDir;
    private final int runs;

    ForkRate(Path scriptDir, int runs) {
        this.scriptDir = scriptDir;
        this.runs = runs;
    }

    /** {@code loops} shell loops at once, {@code runs / loops} script runs each. */
    Sample measure(BenchScript script, int loops) throws IOException, InterruptedException {
        int each = Math.max(1, runs / loops);
        String loop = "i=0; while [ $i -lt " + each + " ]; do ./" + script.fileName() + " >/dev/null; i=$((i+1)); done";
        List<Process> processes = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < loops; i++) {
                processes.add(new ProcessBuilder("sh", "-c", loop)
                        .directory(scriptDir.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start());
            }
            long deadline = start + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            for (Process p : processes) {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    throw new IOException(
                            "the fork loop for " + script.fileName() + " took over " + TIMEOUT_SECONDS + " s");
                }
                if (p.exitValue() != 0) {
                    throw new IOException("the fork loop for " + script.fileName() + " exited with " + p.exitValue());
                }
            }
            return Sample.rate((long) each * loops, System.nanoTime() - start);
        } finally {
            for (Process p : processes) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }
}

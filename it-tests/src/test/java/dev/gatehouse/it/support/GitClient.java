package dev.gatehouse.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code git} command-line client, run with a clean environment so that nothing of the
 * machine it runs on takes part: no system or user configuration ({@code GIT_CONFIG_NOSYSTEM},
 * a private empty {@code HOME}), no proxy variables, no credential prompt, and a fixed identity
 * and default branch. Each run is bounded; a git that does not finish in time is killed, tree
 * and all.
 */
public final class GitClient {

    private static final long TIMEOUT_SECONDS = 60;

    private final Path home;

    /** @param home an empty directory that serves as {@code HOME} for every run */
    public GitClient(Path home) {
        this.home = home;
    }

    /** What one git run left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        public boolean ok() {
            return exitCode == 0;
        }

        /** For assertion messages: the command, its exit code and everything it printed. */
        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n"
                    + stderr;
        }
    }

    /** Runs {@code git -c ... args} in {@code dir}; the result holds stdout and stderr. */
    public Result run(Path dir, String... args) throws IOException, InterruptedException {
        return run(dir, Map.of(), args);
    }

    /** Like {@link #run(Path, String...)} with more environment variables, e.g. GIT_TRACE_CURL. */
    public Result run(Path dir, Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "git",
                "-c",
                "user.name=Gatehouse IT",
                "-c",
                "user.email=it@gatehouse.invalid",
                "-c",
                "init.defaultBranch=main",
                "-c",
                "credential.helper=",
                "-c",
                "core.autocrlf=false"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(home, "git-", ".out");
        Path err = Files.createTempFile(home, "git-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", home.toString());
        env.put("LC_ALL", "C");
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.putAll(extraEnv);
        Process process = builder.start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("git did not finish within " + TIMEOUT_SECONDS + " s: "
                        + new Result(command, -1, read(out), read(err)));
            }
            return new Result(command, process.exitValue(), read(out), read(err));
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Like {@link #run} but a non-zero exit fails the test with git's output in the message. */
    public Result ok(Path dir, String... args) throws IOException, InterruptedException {
        return ok(dir, Map.of(), args);
    }

    /** Like {@link #run(Path, Map, String...)} but a non-zero exit fails the test. */
    public Result ok(Path dir, Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        Result result = run(dir, extraEnv, args);
        if (!result.ok()) {
            throw new AssertionError("git failed: " + result);
        }
        return result;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}

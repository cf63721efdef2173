package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.cgi.CgiServlet;
import dev.gatehouse.it.support.GitClient;
import dev.gatehouse.it.support.NoProcessLeftBehind;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Git's smart HTTP protocol end to end: the real {@code git} client talks to the real
 * {@code git http-backend}, run by {@link CgiServlet} as the single {@code program} of the
 * {@code /git/*} mapping (PATH_INFO = {@code /repo.git/info/refs} etc.). Pushes send their pack
 * with chunked transfer coding and no Content-Length, so the servlet streams the body to the
 * program's stdin, which reads it to EOF ({@code chunkedBody=stream}); the large push runs once
 * more through a second mapping that spools it instead (the default).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoProcessLeftBehind.class)
abstract class GitSmartHttpContract {

    private static final String HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";

    private final HttpClient http = HttpClient.newHttpClient();
    private ServletContainer container;
    private GitClient git;
    private Path projects;
    private Path work;

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void deploy(@TempDir Path root) throws Exception {
        projects = Files.createDirectory(root.resolve("projects"));
        work = Files.createDirectory(root.resolve("work"));
        git = new GitClient(Files.createDirectory(root.resolve("home")));
        String environment = "GIT_PROJECT_ROOT=" + projects + "\nGIT_HTTP_EXPORT_ALL=1";
        container = ServletContainer.servlets(
                kind(),
                "/ctx",
                null,
                List.of(
                        ServletSpec.of("git", CgiServlet.class, "/git/*")
                                .param("program", HTTP_BACKEND)
                                .param("chunkedBody", "stream")
                                .param("environment", environment),
                        // the default for bodies without Content-Length: spooled, then CONTENT_LENGTH set
                        ServletSpec.of("git-spool", CgiServlet.class, "/git-spool/*")
                                .param("program", HTTP_BACKEND)
                                .param("environment", environment),
                        // every body streamed to http-backend as it arrives, none read first
                        ServletSpec.of("git-nobuf", CgiServlet.class, "/git-nobuf/*")
                                .param("program", HTTP_BACKEND)
                                .param("chunkedBody", "stream")
                                .param("requestBuffering", "false")
                                .param("environment", environment)));
    }

    @AfterAll
    void undeploy() {
        if (container != null) {
            container.close();
        }
    }

    @Test
    void pushedCommitClonesBackIdentical() throws Exception {
        Path bare = bareRepository("first.git");
        Path source = newWorkTree("first-src");
        Files.writeString(source.resolve("README.txt"), "pushed through Gatehouse on " + kind() + "\n");
        git.ok(source, "add", "README.txt");
        git.ok(source, "commit", "-q", "-m", "first commit");
        String head = git.ok(source, "rev-parse", "HEAD").stdout().strip();

        GitClient.Result push = git.ok(source, "push", url("first.git"), "main");
        assertTrue(push.stderr().contains("* [new branch]      main -> main"), push.toString());
        assertEquals(
                head,
                git.ok(bare, "rev-parse", "refs/heads/main").stdout().strip(),
                "the server repository's main after the push");

        // protocol v2 is asked for with a Git-Protocol request header, which reaches
        // http-backend only as HTTP_GIT_PROTOCOL; without it git silently falls back to v0
        Path clone = work.resolve("first-clone");
        GitClient.Result cloned = git.ok(
                work,
                Map.of("GIT_TRACE_PACKET", "1"),
                "-c",
                "protocol.version=2",
                "clone",
                "-q",
                url("first.git"),
                clone.toString());
        assertTrue(cloned.stderr().contains("git< version 2"), "not protocol v2: " + cloned);
        assertEquals(Files.readString(source.resolve("README.txt")), Files.readString(clone.resolve("README.txt")));
        assertEquals(head, git.ok(clone, "rev-parse", "HEAD").stdout().strip());
        assertEquals(
                "main",
                git.ok(clone, "symbolic-ref", "--short", "HEAD").stdout().strip());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"git", "git-spool", "git-nobuf"})
    void largePackPushedChunkedClonesBackIdentical(String mapping) throws Exception {
        String repository = mapping + "-big.git";
        Path bare = bareRepository(repository);
        Path source = newWorkTree(mapping + "-big-src");
        byte[] random = new byte[3 * 1024 * 1024];
        new SplittableRandom(0x6761746568L).nextBytes(random);
        Files.write(source.resolve("random.bin"), random);
        git.ok(source, "add", "random.bin");
        git.ok(source, "commit", "-q", "-m", "3 MB of incompressible bytes");
        String head = git.ok(source, "rev-parse", "HEAD").stdout().strip();

        // a pack larger than http.postBuffer is sent with Transfer-Encoding: chunked; the trace
        // shows the request headers (not the data) so that the test proves it was
        GitClient.Result push = git.ok(
                source,
                Map.of("GIT_TRACE_CURL", "1", "GIT_TRACE_CURL_NO_DATA", "1"),
                "-c",
                "http.postBuffer=65536",
                "push",
                url(mapping, repository),
                "main");
        assertTrue(
                push.stderr().toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked"),
                "the push was not chunked: " + push);
        assertEquals(head, git.ok(bare, "rev-parse", "refs/heads/main").stdout().strip(), push.toString());

        Path clone = work.resolve(mapping + "-big-clone");
        git.ok(work, "clone", "-q", url(mapping, repository), clone.toString());
        assertEquals(sha256(random), sha256(Files.readAllBytes(clone.resolve("random.bin"))));
        assertEquals(head, git.ok(clone, "rev-parse", "HEAD").stdout().strip());
        git.ok(bare, "fsck", "--strict");
    }

    @Test
    void missingRepositoryIsNotFound() throws Exception {
        Path local = newWorkTree("missing-src");
        GitClient.Result fetch = git.run(local, "fetch", url("missing.git"), "main");
        assertNotEquals(0, fetch.exitCode(), fetch.toString());
        assertTrue(fetch.stderr().contains("repository '" + url("missing.git") + "/' not found"), fetch.toString());

        HttpResponse<String> refs = http.send(
                HttpRequest.newBuilder(container.uri("git/missing.git/info/refs?service=git-upload-pack"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, refs.statusCode(), refs.body());
    }

    private String url(String repository) {
        return url("git", repository);
    }

    private String url(String mapping, String repository) {
        return container.uri(mapping + "/" + repository).toString();
    }

    private Path bareRepository(String name) throws Exception {
        git.ok(projects, "init", "-q", "--bare", name);
        Path bare = projects.resolve(name);
        git.ok(bare, "config", "http.receivepack", "true");
        return bare;
    }

    private Path newWorkTree(String name) throws Exception {
        Path dir = Files.createDirectory(work.resolve(name));
        git.ok(dir, "init", "-q", "-b", "main");
        return dir;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}

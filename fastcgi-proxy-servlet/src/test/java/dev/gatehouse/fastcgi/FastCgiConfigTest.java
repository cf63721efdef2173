package dev.gatehouse.fastcgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.client.BackendAddress;
import dev.gatehouse.fastcgi.client.Balancing;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FastCgiConfigTest {

    private static FastCgiConfig parse(Map<String, String> params) {
        return FastCgiConfig.parse(params::get);
    }

    @Test
    void defaults() {
        FastCgiConfig c = parse(Map.of());
        assertEquals(List.of(new BackendAddress.Tcp("127.0.0.1", 9000)), c.backends());
        assertEquals("/", c.documentRoot());
        assertEquals(".+\\.php", c.scriptPattern().pattern());
        assertNull(c.frontController());
        assertEquals("index.php", c.indexFile());
        assertEquals(false, c.passAuthorization());
        assertEquals(Map.of(), c.params());
        assertEquals(Duration.ofSeconds(5), c.connectTimeout());
        assertEquals(Duration.ofSeconds(60), c.readTimeout());
        assertEquals(Duration.ofSeconds(60), c.idleTimeout());
        assertEquals(16, c.maxConnections());
        assertEquals(256, c.maxQueued());
        assertEquals(Duration.ofSeconds(5), c.queueTimeout());
        assertEquals(Balancing.ROUND_ROBIN, c.balancing());
        assertEquals(true, c.requestBuffering());
        assertEquals(67108864L, c.maxSpoolBytes());
        assertEquals(65536, c.maxHeaderBytes());
        assertEquals(true, c.responseBuffering());
        assertEquals(67108864L, c.maxResponseBufferBytes());
        assertEquals(Duration.ofSeconds(60), c.sendTimeout());
        assertEquals(Duration.ofSeconds(60), c.clientBodyTimeout());
        assertTrue(c.deny().isEmpty());
        assertEquals(404, c.denyStatus());
        assertEquals(67108864L, c.spoolMemoryBytes());
        assertEquals(1073741824L, c.spoolDiskBytes());
        assertEquals(256, c.maxSpooling());
        assertEquals(FastCgiConfig.ScriptName.FILE, c.scriptName());
    }

    @Test
    void scriptNameMappingLooksUpNoFile() {
        assertEquals(
                FastCgiConfig.ScriptName.MAPPING,
                parse(Map.of("scriptName", "mapping")).scriptName());
        assertEquals(
                FastCgiConfig.ScriptName.FILE,
                parse(Map.of("scriptName", "file")).scriptName());
    }

    /** A file-resolution parameter set with {@code scriptName=mapping} would be silently ignored: refused. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "documentRoot,/",
        "scriptPattern,.+",
        "frontController,/index.php",
        "indexFile,index.py",
        "followSymlinks,all",
        "linkTargets,/srv"
    })
    void fileParametersAreRefusedWithScriptNameMapping(String name, String value) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of("scriptName", "mapping", name, value)));
        assertEquals(
                "init-param " + name + " does not apply with scriptName=mapping, where no file is looked up:"
                        + " remove it, or use scriptName=file",
                e.getMessage());
        assertEquals(
                FastCgiConfig.ScriptName.MAPPING,
                parse(Map.of("scriptName", "mapping", name, " ")).scriptName(),
                "blank is absent");
    }

    @Test
    void bufferingAndBudgetParameters() {
        FastCgiConfig c = parse(Map.of(
                "responseBuffering", "false",
                "maxResponseBufferBytes", "1048576",
                "sendTimeout", "5s",
                "clientBodyTimeout", "10s",
                "spoolMemoryBytes", "1024",
                "spoolDiskBytes", "0",
                "maxSpooling", "3"));
        assertEquals(false, c.responseBuffering());
        assertEquals(1048576L, c.maxResponseBufferBytes());
        assertEquals(Duration.ofSeconds(5), c.sendTimeout());
        assertEquals(Duration.ofSeconds(10), c.clientBodyTimeout());
        assertEquals(1024L, c.spoolMemoryBytes());
        assertEquals(0L, c.spoolDiskBytes());
        assertEquals(3, c.maxSpooling());
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("maxSpooling", "0")));
    }

    @Test
    void everyParameterSet() {
        FastCgiConfig c = parse(Map.ofEntries(
                Map.entry("backend", " 10.0.0.1:9000, unix:/run/php/php8.2-fpm.sock ,[::1]:9001,php:9002"),
                Map.entry("documentRoot", "/srv/www/public"),
                Map.entry("scriptPattern", ".+\\.(php|phtml)"),
                Map.entry("frontController", "/index.php"),
                Map.entry("indexFile", "app.php"),
                Map.entry("passAuthorization", "TRUE"),
                Map.entry("params", "APP_ENV=prod\n\n  PHP_VALUE = memory_limit=256M \r\nEMPTY="),
                Map.entry("connectTimeout", "500ms"),
                Map.entry("readTimeout", "2m"),
                Map.entry("idleTimeout", "30"),
                Map.entry("maxConnections", "4"),
                Map.entry("maxQueued", "0"),
                Map.entry("queueTimeout", "1s"),
                Map.entry("balancing", "leastbusy"),
                Map.entry("requestBuffering", "False"),
                Map.entry("maxSpoolBytes", "0"),
                Map.entry("maxHeaderBytes", "1024")));
        assertEquals(
                List.of(
                        new BackendAddress.Tcp("10.0.0.1", 9000),
                        new BackendAddress.Unix(Path.of("/run/php/php8.2-fpm.sock")),
                        new BackendAddress.Tcp("::1", 9001),
                        new BackendAddress.Tcp("php", 9002)),
                c.backends());
        assertEquals("/srv/www/public", c.documentRoot());
        assertTrue(c.scriptPattern().matcher("/a.phtml").matches());
        assertEquals("/index.php", c.frontController());
        assertEquals("app.php", c.indexFile());
        assertEquals(true, c.passAuthorization());
        assertEquals(Map.of("APP_ENV", "prod", "PHP_VALUE", "memory_limit=256M", "EMPTY", ""), c.params());
        assertEquals(Duration.ofMillis(500), c.connectTimeout());
        assertEquals(Duration.ofMinutes(2), c.readTimeout());
        assertEquals(Duration.ofSeconds(30), c.idleTimeout());
        assertEquals(4, c.maxConnections());
        assertEquals(0, c.maxQueued());
        assertEquals(Duration.ofSeconds(1), c.queueTimeout());
        assertEquals(Balancing.LEAST_BUSY, c.balancing());
        assertEquals(Balancing.LEAST_BUSY, FastCgiProxyServlet.clientConfig(c).balancing(), "reaches the client");
        assertEquals(false, c.requestBuffering());
        assertEquals(0L, c.maxSpoolBytes());
        assertEquals(1024, c.maxHeaderBytes());
    }

    @Test
    void backendAddressesAndTheirSocketAddresses() {
        assertEquals("[::1]:9001", new BackendAddress.Tcp("::1", 9001).toString());
        assertEquals("unix:/run/x.sock", new BackendAddress.Unix(Path.of("/run/x.sock")).toString());
        assertEquals(
                UnixDomainSocketAddress.of("/run/x.sock"),
                new BackendAddress.Unix(Path.of("/run/x.sock")).socketAddress());
        assertEquals(
                new InetSocketAddress("127.0.0.1", 9000), new BackendAddress.Tcp("127.0.0.1", 9000).socketAddress());
    }

    record Invalid(String param, String value, String message) {
        @Override
        public String toString() {
            return param + "=" + value;
        }
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid("backend", "localhost", "expected host:port or unix:/path"),
                new Invalid("backend", "localhost:0", "port out of range"),
                new Invalid("backend", "localhost:http", "port is not a number"),
                new Invalid("backend", "::1:9000", "an IPv6 address needs brackets"),
                new Invalid("backend", ":9000", "empty host"),
                new Invalid("backend", "unix:run/php.sock", "not absolute"),
                new Invalid("backend", " , ", "expected at least one"),
                new Invalid("documentRoot", "srv/www", "starting with /"),
                new Invalid("scriptPattern", "(.+\\.php", "not a regular expression"),
                new Invalid("frontController", "index.php", "expected a file path"),
                new Invalid("frontController", "/app/", "expected a file path"),
                new Invalid("frontController", "/../index.php", "must be non-empty, not start with '.'"),
                new Invalid("frontController", "/.hidden/index.php", "must be non-empty, not start with '.'"),
                new Invalid("indexFile", "sub/index.php", "without /"),
                new Invalid("indexFile", ".index.php", "not start with '.'"),
                new Invalid("passAuthorization", "yes", "expected true or false"),
                new Invalid("params", "NO_EQUALS", "expected NAME=value lines"),
                new Invalid("params", "=value", "expected NAME=value lines"),
                new Invalid("connectTimeout", "0s", "expected a positive duration"),
                new Invalid("readTimeout", "soon", "For input string"),
                new Invalid("idleTimeout", "-1s", "expected a positive duration"),
                new Invalid("maxConnections", "0", "at least 1"),
                new Invalid("maxQueued", "-1", "at least 0"),
                new Invalid("queueTimeout", "1h", "For input string"),
                new Invalid("balancing", "random", "expected roundRobin or leastBusy"),
                new Invalid("requestBuffering", "on", "expected true or false"),
                new Invalid("maxSpoolBytes", "-5", "at least 0"),
                new Invalid("maxHeaderBytes", "8", "at least 16"),
                new Invalid("deny", "bin/ ../x", "no . or .. segments"),
                new Invalid("denyStatus", "401", "expected 404 or 403"),
                new Invalid("scriptName", "Mapping", "expected file or mapping"),
                new Invalid("scriptName", "wsgi", "expected file or mapping"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidValueFailsNamingTheParameter(Invalid i) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of(i.param(), i.value())));
        assertTrue(
                e.getMessage()
                        .startsWith("init-param " + i.param() + "='" + i.value().strip() + "' is invalid: "),
                e.getMessage());
        assertTrue(e.getMessage().contains(i.message()), e.getMessage());
    }

    @Test
    void blankValueTakesTheDefault() {
        assertEquals(16, parse(Map.of("maxConnections", "  ")).maxConnections());
        assertNull(parse(Map.of("frontController", "")).frontController());
        assertEquals(true, parse(Map.of("requestBuffering", " ")).requestBuffering());
    }
}

package dev.gatehouse.fastcgi.client;

import dev.gatehouse.fastcgi.testing.PhpFpm;
import java.nio.file.Path;
import java.util.Map;

/** The php-fpm the client's tests talk to: the shared {@link PhpFpm} fixture with their scripts. */
final class FpmScripts {

    static final int MAX_CHILDREN = 4;
    static final int BIG_OUTPUT_BYTES = 10 * 1024 * 1024;

    /** The scripts, by file name. */
    private static final Map<String, String> SCRIPTS = Map.of(
            "hello.php", "<?php header('X-Pid: ' . getmypid()); echo 'hello ' . $_SERVER['NAME'];",
            "echo.php",
                    "<?php header('Content-Type: application/octet-stream');"
                            + " fpassthru(fopen('php://input', 'rb'));",
            "sleep.php", "<?php usleep((int) ($_GET['ms'] ?? 1000) * 1000); echo 'slept';",
            "big.php",
                    "<?php $line = str_repeat('0123456789abcdef', 64);" + " for ($i = 0; $i < "
                            + BIG_OUTPUT_BYTES / 1024 + "; $i++) { echo $line; }",
            "stderr.php", "<?php error_log('to stderr'); echo 'out';",
            "slowhello.php", "<?php usleep(10000); echo 'hello ' . $_SERVER['NAME'];");

    private FpmScripts() {}

    /** A php-fpm with {@value #MAX_CHILDREN} workers per pool and the scripts; register it on a static field. */
    static PhpFpm phpFpm() {
        PhpFpm fpm = new PhpFpm().maxChildren(MAX_CHILDREN);
        SCRIPTS.forEach(fpm::script);
        return fpm;
    }

    /** The pool listening on 127.0.0.1. */
    static Backend tcp(PhpFpm fpm) {
        return Backend.parse("127.0.0.1:" + fpm.address().getPort());
    }

    /** The pool listening on the Unix domain socket. */
    static Backend unix(PhpFpm fpm) {
        return Backend.parse("unix:" + fpm.socketPath());
    }

    /** The absolute path of a script, for SCRIPT_FILENAME. */
    static Path script(PhpFpm fpm, String name) {
        return fpm.documentRoot().resolve(name);
    }
}

package dev.gatehouse.fastcgi.managed;

import dev.gatehouse.fastcgi.client.BackendAddress;
import dev.gatehouse.fastcgi.managed.ManagedBackendConfig.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a managed backend is started, worked out without running anything: the command line,
 * its whole environment, and the files to write first in the backend's private directory.
 *
 * <ul>
 *   <li>php-fpm: {@code php-fpm -F -y DIR/php-fpm.conf [-R] [-d NAME=value]…}, one static pool
 *       ({@link PhpFpmConfig#staticPool}) listening on the address, its log on standard error
 *       ({@code /proc/self/fd/2}) for the supervisor to relay, {@code clear_env} left at its
 *       default (yes) and {@code backendEnv} as pool {@code env[NAME]} lines. {@code -R} only when
 *       the JVM runs as root, since php-fpm refuses root otherwise.
 *   <li>php-cgi: {@code php-cgi -b ADDRESS [-d NAME=value]…} with PHP_FCGI_CHILDREN and
 *       PHP_FCGI_MAX_REQUESTS in its environment.
 *   <li>command: {@code backendCommand} split into words (single or double quotes group
 *       words), {@code {address}} and {@code {children}} replaced in each.
 * </ul>
 *
 * The environment holds PATH and {@code backendEnv}, nothing else of the JVM's.
 *
 * @param argv the program and its arguments
 * @param environment the process's whole environment
 * @param files file name in the private directory → content, written before the start
 */
public record LaunchPlan(List<String> argv, Map<String, String> environment, Map<String, String> files) {

    /** The php-fpm configuration's file name in the private directory. */
    public static final String FPM_CONFIG = "php-fpm.conf";

    public LaunchPlan {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        files = Map.copyOf(files);
    }

    /**
     * @param kind php-fpm, php-cgi or command (not auto)
     * @param program the php-fpm or php-cgi binary; ignored for a command
     * @param dir the backend's private directory
     * @param path the PATH to pass on, or null
     * @param root whether the JVM runs as root
     */
    public static LaunchPlan of(
            ManagedBackendConfig config,
            Kind kind,
            Path program,
            Path dir,
            BackendAddress address,
            String path,
            boolean root) {
        Map<String, String> env = new LinkedHashMap<>();
        if (path != null) {
            env.put("PATH", path);
        }
        String listen = listen(address);
        return switch (kind) {
            case PHP_FPM -> {
                List<String> argv = new ArrayList<>(List.of(
                        program.toString(), "-F", "-y", dir.resolve(FPM_CONFIG).toString()));
                if (root) {
                    argv.add("-R");
                }
                addIni(argv, config);
                Map<String, String> pool = PhpFpmConfig.staticPool(listen, config.children(), config.maxRequests());
                config.env().forEach((name, value) -> pool.put("env[" + name + "]", value));
                PhpFpmConfig fpm = new PhpFpmConfig(
                        PhpFpmConfig.foreground(dir.resolve("php-fpm.pid"), "/proc/self/fd/2"),
                        List.of(new PhpFpmConfig.Pool("gatehouse", pool)));
                yield new LaunchPlan(argv, env, Map.of(FPM_CONFIG, fpm.render()));
            }
            case PHP_CGI -> {
                List<String> argv = new ArrayList<>(List.of(program.toString(), "-b", listen));
                addIni(argv, config);
                env.putAll(config.env());
                env.put("PHP_FCGI_CHILDREN", Integer.toString(config.children()));
                env.put("PHP_FCGI_MAX_REQUESTS", Integer.toString(config.maxRequests()));
                yield new LaunchPlan(argv, env, Map.of());
            }
            case COMMAND -> {
                List<String> argv = new ArrayList<>();
                for (String word : words(Objects.requireNonNull(config.command(), "backendCommand"))) {
                    argv.add(word.replace("{address}", listen)
                            .replace("{children}", Integer.toString(config.children())));
                }
                env.putAll(config.env());
                yield new LaunchPlan(argv, env, Map.of());
            }
            case AUTO -> throw new IllegalArgumentException("auto is resolved to a kind before a plan is made");
        };
    }

    /** The address as php-fpm's {@code listen} and php-cgi's {@code -b} take it. */
    public static String listen(BackendAddress address) {
        return address instanceof BackendAddress.Unix unix ? unix.path().toString() : address.toString();
    }

    private static void addIni(List<String> argv, ManagedBackendConfig config) {
        config.ini().forEach((name, value) -> {
            argv.add("-d");
            argv.add(name + "=" + value);
        });
    }

    /** Splits on blanks; '…' and "…" group words (no escapes inside). */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed " + quote + " in '" + line + "'");
        }
        if (word != null) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("an empty command");
        }
        return words;
    }
}

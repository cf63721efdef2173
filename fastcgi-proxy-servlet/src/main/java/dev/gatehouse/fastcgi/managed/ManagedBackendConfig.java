package dev.gatehouse.fastcgi.managed;

import dev.gatehouse.fastcgi.client.ClientConfig;
import dev.gatehouse.servlet.InitParams;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What FastCGI application the proxy starts and supervises itself, parsed once from the same
 * init-params as {@code FastCgiConfig} (camelCase, each with a default, an invalid value failing
 * deployment with {@link IllegalArgumentException} naming the parameter).
 *
 * @param kind which server ({@code managedBackend})
 * @param command for {@link Kind#PHP_FPM} and {@link Kind#PHP_CGI} the program (a name looked up
 *     on PATH or an absolute path), null to search for it; for {@link Kind#COMMAND} the whole
 *     command line, with {@code {address}} and optionally {@code {children}} ({@code backendCommand})
 * @param children the server's workers ({@code backendChildren}; default the proxy's
 *     {@code maxConnections}): php-fpm's {@code pm.max_children}, php-cgi's PHP_FCGI_CHILDREN
 * @param poolSize the connections the proxy may open: {@code children}, or an explicit smaller
 *     {@code maxConnections} — a kept-alive idle connection pins a worker, so never more
 * @param maxRequests requests a worker serves before it is replaced, 0 for never
 *     ({@code backendMaxRequests})
 * @param listen Unix socket in the private directory, or TCP on 127.0.0.1 ({@code backendListen})
 * @param startTimeout the longest wait for the server to accept connections ({@code backendStartTimeout})
 * @param stopTimeout the longest wait after SIGTERM before the tree is killed ({@code backendStopTimeout})
 * @param ini PHP settings, each passed as {@code -d NAME=value} ({@code backendIni})
 * @param env variables for the application ({@code backendEnv}): php-fpm pool {@code env[NAME]}
 *     lines, the process environment otherwise; nothing else of the JVM's environment but PATH
 */
public record ManagedBackendConfig(
        Kind kind,
        String command,
        int children,
        int poolSize,
        int maxRequests,
        Listen listen,
        Duration startTimeout,
        Duration stopTimeout,
        Map<String, String> ini,
        Map<String, String> env) {

    /** The kinds of managed server. */
    public enum Kind {
        /** php-fpm in the foreground with a generated configuration. */
        PHP_FPM("php-fpm"),
        /** {@code php-cgi -b}, PHP's built-in FastCGI server. */
        PHP_CGI("php-cgi"),
        /** Any FastCGI server, started by {@code backendCommand}. */
        COMMAND("command"),
        /** php-fpm when installed, else php-cgi, else none: the {@code backend} param is used. */
        AUTO("auto");

        private final String paramValue;

        Kind(String paramValue) {
            this.paramValue = paramValue;
        }

        /** The init-param value naming this kind. */
        public String paramValue() {
            return paramValue;
        }

        static Kind parse(String value) {
            for (Kind k : values()) {
                if (k.paramValue.equals(value.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("expected none, php-fpm, php-cgi, command or auto");
        }
    }

    /** Where the managed server listens. */
    public enum Listen {
        /** A Unix socket in the backend's private directory (mode 0700). */
        UNIX,
        /** 127.0.0.1 at a port free when the backend is prepared. */
        TCP;

        static Listen parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "unix" -> UNIX;
                case "tcp" -> TCP;
                default -> throw new IllegalArgumentException("expected unix or tcp");
            };
        }
    }

    public ManagedBackendConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(listen, "listen");
        if (kind == Kind.COMMAND && (command == null || !command.contains("{address}"))) {
            throw new IllegalArgumentException(
                    "managedBackend=command needs backendCommand, a command line with {address}");
        }
        if (children < 1 || poolSize < 1 || poolSize > children) {
            throw new IllegalArgumentException("need 1 <= poolSize <= children: " + poolSize + ", " + children);
        }
        ini = Collections.unmodifiableMap(new LinkedHashMap<>(ini));
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        ini.forEach(ManagedBackendConfig::oneLine);
        env.forEach(ManagedBackendConfig::oneLine);
    }

    /**
     * Parses the managed-backend init-params; null when {@code managedBackend} is absent or
     * {@code none}. {@code param} returns null for an absent parameter.
     *
     * @throws IllegalArgumentException naming the parameter and what it accepts
     */
    public static ManagedBackendConfig parse(Function<String, String> param) {
        InitParams p = new InitParams(param);
        String managed = p.string("managedBackend", "none");
        if (managed.equalsIgnoreCase("none")) {
            return null;
        }
        Kind kind = p.parse("managedBackend", managed, Kind::parse);
        if (kind != Kind.AUTO && p.string("backend", null) != null) {
            throw new IllegalArgumentException("init-param backend is generated when managedBackend=" + managed
                    + ": remove it (or use managedBackend=auto, where backend is the fallback)");
        }
        int maxConnections = p.atLeast("maxConnections", ClientConfig.DEFAULT_MAX_CONNECTIONS, 1);
        int children = p.atLeast("backendChildren", maxConnections, 1);
        boolean poolSet = p.string("maxConnections", null) != null;
        if (poolSet && maxConnections > children) {
            throw new IllegalArgumentException("init-param maxConnections=" + maxConnections
                    + " exceeds backendChildren=" + children
                    + ": a kept-alive connection pins a worker, so the proxy opens at most backendChildren");
        }
        return new ManagedBackendConfig(
                kind,
                p.string("backendCommand", null),
                children,
                poolSet ? maxConnections : children,
                p.atLeast("backendMaxRequests", 0, 0),
                p.parse("backendListen", "unix", Listen::parse),
                p.duration("backendStartTimeout", "10s"),
                p.duration("backendStopTimeout", "5s"),
                p.parse("backendIni", "", InitParams::lines),
                p.parse("backendEnv", "", InitParams::lines));
    }

    private static void oneLine(String name, String value) {
        if ((name + value).chars().anyMatch(c -> c == '\n' || c == '\r' || c == '\0')) {
            throw new IllegalArgumentException("a line break or NUL in " + name);
        }
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
            throw new IllegalArgumentException("not a plain name: '" + name + "'");
        }
    }
}

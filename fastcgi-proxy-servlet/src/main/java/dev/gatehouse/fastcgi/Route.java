package dev.gatehouse.fastcgi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where {@link ScriptMapping} sends a request path: to a script of the FastCGI application, to a
 * static file, or nowhere (404, 403). Each reason is for the log, never for the client.
 */
public sealed interface Route {

    /** A script that exists under the document root: forward the request to the application. */
    record Script(ScriptTarget target) implements Route {
        public Script {
            Objects.requireNonNull(target, "target");
        }
    }

    /**
     * An existing file that is not a script: serve it as it is (the servlet hands it to the
     * container's default servlet).
     *
     * @param path its path under the context, e.g. {@code /css/site.css} or, for a directory's
     *     index file, {@code /docs/index.html}
     * @param file its real path on the file system, under the document root
     */
    record Static(String path, Path file) implements Route {
        public Static {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(file, "file");
        }
    }

    /** Nothing to serve: 404. */
    record NotFound(String reason) implements Route {
        public NotFound {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Something exists but must not be served: 403. */
    record Forbidden(String reason) implements Route {
        public Forbidden {
            Objects.requireNonNull(reason, "reason");
        }
    }
}

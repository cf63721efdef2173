package dev.gatehouse.fastcgi.mapping;

import dev.gatehouse.cgi.meta.ScriptLocation;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where {@link ScriptMapping} sends a request path: to a script of the FastCGI application, to a
 * static file, or nowhere (404, 403). Each reason is for the log, never for the client.
 */
public sealed interface Route {

    /**
     * A script of the application: forward the request to it.
     *
     * @param location SCRIPT_NAME, PATH_INFO and the file-system values as the application sees
     *     them (real paths, links resolved); its DOCUMENT_URI is the URL path finally served (the
     *     request path, a directory's index script, or the front controller), never null here, and
     *     SCRIPT_FILENAME goes with DOCUMENT_ROOT: both, or neither when no file is looked up
     *     ({@link ApplicationMapping})
     */
    record Script(ScriptLocation location) implements Route {
        public Script {
            Objects.requireNonNull(location, "location");
            if ((location.scriptFilename() == null) != (location.documentRoot() == null)) {
                throw new IllegalArgumentException("a script file goes with a document root: "
                        + location.scriptFilename() + ", " + location.documentRoot());
            }
            Objects.requireNonNull(location.documentUri(), "documentUri");
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

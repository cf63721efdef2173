package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.meta.ScriptLocation;
import java.util.Objects;

/**
 * The script a request runs and the path values that go with it, as the FastCGI application
 * sees them (the file-system paths are real paths, symbolic links resolved).
 *
 * @param scriptName URL path of the script, context path included: SCRIPT_NAME (RFC 3875 §4.1.13)
 * @param scriptFilename absolute real path of the script file: SCRIPT_FILENAME, which php-fpm
 *     executes; null when the request is not resolved to a file ({@link ApplicationMapping})
 * @param pathInfo the rest of the path after the script, or empty: PATH_INFO (§4.1.5)
 * @param pathTranslated the document root followed by PATH_INFO, or null when PATH_INFO is
 *     empty: PATH_TRANSLATED (§4.1.6)
 * @param documentRoot real path of the document root: DOCUMENT_ROOT; null, as
 *     {@code scriptFilename}, when no file is looked up
 * @param documentUri URL path that was finally served, context path included: nginx's
 *     DOCUMENT_URI, i.e. the request path, the index script of a directory, or the front
 *     controller
 */
public record ScriptTarget(
        String scriptName,
        String scriptFilename,
        String pathInfo,
        String pathTranslated,
        String documentRoot,
        String documentUri) {

    public ScriptTarget {
        Objects.requireNonNull(scriptName, "scriptName");
        if ((scriptFilename == null) != (documentRoot == null)) {
            throw new IllegalArgumentException(
                    "a script file goes with a document root: " + scriptFilename + ", " + documentRoot);
        }
        pathInfo = pathInfo == null ? "" : pathInfo;
        Objects.requireNonNull(documentUri, "documentUri");
    }

    /** The same values as the shared meta-variables builder takes them. */
    public ScriptLocation location() {
        return new ScriptLocation(scriptName, pathInfo, pathTranslated, scriptFilename, documentRoot, documentUri);
    }
}

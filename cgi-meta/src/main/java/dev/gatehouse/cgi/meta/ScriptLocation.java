package dev.gatehouse.cgi.meta;

import java.util.Objects;

/**
 * Where a request landed once the script was resolved: the values behind SCRIPT_NAME,
 * PATH_INFO and the file-system variables of RFC 3875 §4.1. The one such type of both gateways:
 * the CGI servlet builds it from its resolved script, the FastCGI proxy's mapping carries it in
 * a {@code Route.Script} (which also requires DOCUMENT_URI, and SCRIPT_FILENAME together with
 * DOCUMENT_ROOT).
 *
 * @param scriptName URL path of the script, context path included (RFC 3875 §4.1.13)
 * @param pathInfo the decoded rest of the path after the script, or empty (§4.1.5)
 * @param pathTranslated PATH_INFO mapped onto the document tree, or null when PATH_INFO is empty
 *     (§4.1.6)
 * @param scriptFilename absolute file-system path of the script (common extension), or null when
 *     no file is looked up (the FastCGI proxy's {@code scriptName=mapping})
 * @param documentRoot the document root of the web application (common extension)
 * @param documentUri the URL path finally served, as nginx's DOCUMENT_URI, or null to leave it
 *     out; FastCGI applications read it, CGI scripts get none
 */
public record ScriptLocation(
        String scriptName,
        String pathInfo,
        String pathTranslated,
        String scriptFilename,
        String documentRoot,
        String documentUri) {

    public ScriptLocation {
        Objects.requireNonNull(scriptName, "scriptName");
        pathInfo = pathInfo == null ? "" : pathInfo;
    }

    /** A location without DOCUMENT_URI, as CGI has it. */
    public ScriptLocation(
            String scriptName, String pathInfo, String pathTranslated, String scriptFilename, String documentRoot) {
        this(scriptName, pathInfo, pathTranslated, scriptFilename, documentRoot, null);
    }
}

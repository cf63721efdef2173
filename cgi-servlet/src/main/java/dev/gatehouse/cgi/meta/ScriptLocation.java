package dev.gatehouse.cgi.meta;

import java.util.Objects;

/**
 * Where a request landed once the script was resolved: the values behind SCRIPT_NAME,
 * PATH_INFO and the file-system variables of RFC 3875 §4.1.
 *
 * @param scriptName URL path of the script, context path included (RFC 3875 §4.1.13)
 * @param pathInfo the decoded rest of the path after the script, or empty (§4.1.5)
 * @param pathTranslated PATH_INFO mapped onto the document tree, or null when PATH_INFO is empty
 *     (§4.1.6)
 * @param scriptFilename absolute file-system path of the script (common extension)
 * @param documentRoot the document root of the web application (common extension)
 */
public record ScriptLocation(
        String scriptName, String pathInfo, String pathTranslated, String scriptFilename,
        String documentRoot) {

    public ScriptLocation {
        Objects.requireNonNull(scriptName, "scriptName");
        pathInfo = pathInfo == null ? "" : pathInfo;
    }
}

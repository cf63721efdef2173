package dev.gatehouse.fastcgi.mapping;

import dev.gatehouse.cgi.meta.ScriptLocation;
import jakarta.servlet.http.MappingMatch;

/**
 * Maps a request to the application as a whole, with no file looked up: the init-param
 * {@code scriptName=mapping}. SCRIPT_NAME (RFC 3875 §4.1.13) is where the servlet is mapped,
 * context path included, and PATH_INFO (§4.1.5, decoded) the rest of the path. That is what a
 * WSGI application expects of its server (PEP 3333: SCRIPT_NAME "the initial portion of the
 * request URL's path that corresponds to the application object", PATH_INFO "the remainder"),
 * so that Flask's or Django's routing sees the same paths under any context path and mapping,
 * and the URLs it builds (Flask's {@code url_for}, Django's {@code reverse}) start with
 * SCRIPT_NAME.
 *
 * <table>
 *   <caption>the servlet mapping's parts (Servlet 6 §12.2) as SCRIPT_NAME and PATH_INFO</caption>
 *   <tr><th>mapping</th><th>request under context {@code /ctx}</th><th>SCRIPT_NAME</th><th>PATH_INFO</th></tr>
 *   <tr><td>{@code /app/*}</td><td>{@code /ctx/app/users/7}</td><td>{@code /ctx/app}</td><td>{@code /users/7}</td></tr>
 *   <tr><td>{@code /*}</td><td>{@code /ctx/users/7}</td><td>{@code /ctx}</td><td>{@code /users/7}</td></tr>
 *   <tr><td>{@code /} (default)</td><td>{@code /ctx/users/7}</td><td>{@code /ctx}</td><td>{@code /users/7}</td></tr>
 *   <tr><td>{@code /app} (exact)</td><td>{@code /ctx/app}</td><td>{@code /ctx/app}</td><td>empty</td></tr>
 * </table>
 *
 * For every mapping but the default one SCRIPT_NAME is the context path followed by the servlet
 * path, PATH_INFO the path info; the default servlet has the whole path as its servlet path
 * (Servlet 6 §12.2), which here becomes PATH_INFO. DOCUMENT_URI is SCRIPT_NAME followed by
 * PATH_INFO; SCRIPT_FILENAME, DOCUMENT_ROOT and PATH_TRANSLATED are not sent, since there is no
 * file.
 *
 * <p>A segment {@code .} or {@code ..} in the decoded path is 404, as the file resolution
 * answers it: Jetty and Tomcat reject such ambiguous paths themselves by default (400), and an
 * application must never receive one, whatever the container's configuration.
 */
public final class ApplicationMapping {

    private ApplicationMapping() {}

    /**
     * Where a request goes.
     *
     * @param contextPath the context path, {@code ""} for the root context
     * @param match how the request matched the servlet, or null when unknown (treated as a path
     *     mapping)
     * @param servletPath the decoded servlet path, {@code ""} for {@code /*}
     * @param pathInfo the decoded path info, or null
     */
    public static Route map(String contextPath, MappingMatch match, String servletPath, String pathInfo) {
        String context = contextPath == null ? "" : contextPath;
        String servlet = servletPath == null ? "" : servletPath;
        String info = pathInfo == null ? "" : pathInfo;
        if (match == MappingMatch.DEFAULT) {
            info = servlet + info;
            servlet = "";
        }
        String scriptName = context + servlet;
        for (String segment : info.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return new Route.NotFound("dot segment in the path " + info);
            }
        }
        return new Route.Script(new ScriptLocation(scriptName, info, null, null, null, scriptName + info));
    }
}

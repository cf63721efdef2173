/**
 * The CGI servlet's mapping layer: which script a request path names under the script root and
 * what runs it (RFC 3875 §3.3). {@link dev.gatehouse.cgi.mapping.ScriptResolver} walks the
 * decoded path with the shared {@link dev.gatehouse.servlet.path.ConfinedWalk}, so that the CGI
 * servlet and the FastCGI proxy refuse the same hostile paths, and splits it into the script and
 * PATH_INFO ({@link dev.gatehouse.cgi.mapping.ResolvedScript}); {@link
 * dev.gatehouse.cgi.mapping.Interpreters} chooses the command that runs the script, and {@link
 * dev.gatehouse.cgi.mapping.CommandArguments} adds the query's words to it (RFC 3875 §4.4). A path that
 * leads to nothing that may run is a {@link dev.gatehouse.cgi.mapping.ScriptResolutionException}
 * (404 or 403), which the servlet answers. File-system code over decoded strings, with no servlet
 * type: the servlet layer ({@code dev.gatehouse.cgi}) turns the result into meta-variables
 * ({@code dev.gatehouse.cgi.meta}) and a process ({@code dev.gatehouse.servlet.process}).
 */
package dev.gatehouse.cgi.mapping;

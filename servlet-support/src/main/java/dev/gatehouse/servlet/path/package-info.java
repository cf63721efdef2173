/**
 * How a gateway looks a request path up under its root directory, shared by the CGI servlet's
 * script resolution and the FastCGI proxy's try-files mapping so that the security checks cannot
 * drift apart: {@link dev.gatehouse.servlet.path.ScriptRoot} finds the root on the file system,
 * {@link dev.gatehouse.servlet.path.PathDenial} refuses the paths an operator lists, and {@link
 * dev.gatehouse.servlet.path.ConfinedWalk} walks the decoded path segment by segment, refusing
 * illegal and hidden segments and following only the symbolic links its {@link
 * dev.gatehouse.servlet.path.SymlinkPolicy} allows, with a {@link
 * dev.gatehouse.servlet.path.PathRefusal} (404 or 403 and a reason for the log) for anything
 * else. Plain file-system code over decoded strings: what a request path <em>means</em> (a
 * script and its PATH_INFO, a static file, a front controller) is each gateway's mapping layer.
 */
package dev.gatehouse.servlet.path;

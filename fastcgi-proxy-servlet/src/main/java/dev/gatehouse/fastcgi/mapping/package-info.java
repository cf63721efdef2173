/**
 * The FastCGI proxy's mapping layer: where a request goes and what the application is told. A
 * decoded request path becomes a {@link dev.gatehouse.fastcgi.mapping.Route} — a script with its
 * {@link dev.gatehouse.cgi.meta.ScriptLocation}, a static file, 404 or 403 — either by nginx's
 * try-files over the document root ({@link dev.gatehouse.fastcgi.mapping.ScriptMapping}, confined
 * by the {@link dev.gatehouse.servlet.path.ConfinedWalk} the CGI servlet uses too) or to the
 * application as a whole ({@link dev.gatehouse.fastcgi.mapping.ApplicationMapping}); and a
 * request with its location becomes the PARAMS of a Responder ({@link
 * dev.gatehouse.fastcgi.mapping.FastCgiParams}) or an Authorizer ({@link
 * dev.gatehouse.fastcgi.mapping.AuthorizerParams}), built by the shared {@code
 * dev.gatehouse.cgi.meta.MetaVariables}. Pure functions of plain values (a {@code CgiRequest},
 * strings, the validated {@code FastCgiConfig}, the file system), with no container and no I/O to
 * the application: the servlet and filter in {@code dev.gatehouse.fastcgi} act on the result, and
 * {@code dev.gatehouse.fastcgi.client} carries it to the application.
 */
package dev.gatehouse.fastcgi.mapping;

/**
 * The FastCGI 1.0 protocol as a pure codec for the client side (the specification's "Web
 * server"): records as immutable values ({@link dev.gatehouse.fastcgi.protocol.ClientRecord},
 * {@link dev.gatehouse.fastcgi.protocol.ServerRecord}), the name-value pair encoding
 * ({@link dev.gatehouse.fastcgi.protocol.NameValuePairs}), a generator
 * ({@link dev.gatehouse.fastcgi.protocol.RecordWriter}) and an incremental parser
 * ({@link dev.gatehouse.fastcgi.protocol.RecordParser}). Bytes in, values out: no sockets, no
 * threads, no blocking. Section numbers in the javadoc refer to the FastCGI Specification,
 * document version 1.0, 29 April 1996.
 */
package dev.gatehouse.fastcgi.protocol;

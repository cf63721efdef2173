/**
 * Unit-testing ASGI applications without a server, after asgiref's {@code ApplicationCommunicator}:
 * {@link dev.gatehouse.asgi.testing.ApplicationCommunicator} plays the server for one scope over
 * in-memory queues and enforces the same {@link dev.gatehouse.asgi.ExchangeProtocol} as the
 * servlet bridge; {@link dev.gatehouse.asgi.testing.HttpCommunicator} collects a whole HTTP
 * response; {@link dev.gatehouse.asgi.testing.Scopes} builds scopes with test defaults.
 */
package dev.gatehouse.asgi.testing;

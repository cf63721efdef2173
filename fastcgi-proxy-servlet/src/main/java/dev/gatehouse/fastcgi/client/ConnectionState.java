package dev.gatehouse.fastcgi.client;

/**
 * The life of a {@link Connection}: CONNECTING, then PROBING (the GET_VALUES probe's own
 * connection, closed afterwards) or ACTIVE/IDLE for as long as it is kept alive, and CLOSED.
 */
enum ConnectionState {
    /** Non-blocking connect in progress. */
    CONNECTING,
    /** GET_VALUES sent, waiting for GET_VALUES_RESULT; closed afterwards. */
    PROBING,
    /** In the pool, kept alive, watched for the backend closing it. */
    IDLE,
    /** Carrying an exchange. */
    ACTIVE,
    CLOSED
}

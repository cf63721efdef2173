package dev.gatehouse.fastcgi.client;

/**
 * The life of a {@link BackendExchange}. Transitions, each made by one method of the exchange on
 * the transport thread:
 *
 * <pre>
 * PENDING ──▶ QUEUED ──▶ CONNECTING ──▶ STREAMING ──▶ COMPLETED
 *    │          │  ▲         │   ▲          │    └──▶ FAILED
 *    │          │  └─────────┘   │ (retry)  └──▶ ABORTING ──▶ ABORTED
 *    └──────────┴──▶ STREAMING (idle connection) ─┘
 * any state before STREAMING ──▶ ABORTED (nothing sent) or FAILED
 * </pre>
 */
public enum BackendExchangeState {
    /** Created, not yet given to a backend. */
    PENDING,
    /** Waiting in the client's bounded FIFO queue for a connection. */
    QUEUED,
    /** A connection is being opened (and the backend asked GET_VALUES) for it. */
    CONNECTING,
    /** The request is being sent and the response received on a connection. */
    STREAMING,
    /** ABORT_REQUEST sent; waiting for END_REQUEST before the connection is closed. */
    ABORTING,
    /** END_REQUEST with REQUEST_COMPLETE received. */
    COMPLETED,
    /** Failed with a {@link FastCgiClientException}, given to the listener. */
    FAILED,
    /** Aborted by the caller; its connection, if it had one, is closed. */
    ABORTED;

    /** Whether the exchange is over: nothing more happens to it. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == ABORTED;
    }
}

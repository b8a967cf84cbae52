package io.github.proxyproto4j.core;

/** How a connection's PROXY handshake ended: one of these is reported once per connection. */
public enum Outcome {
    /** A valid header from a trusted peer: the request sees the header's addresses. */
    ACCEPTED,
    /** A trusted peer sent LOCAL, v1 UNKNOWN, UNSPEC or an unsupported family: the socket's addresses are used. */
    LOCAL,
    /** An untrusted peer (untrusted-action ignore) sent a valid header: consumed, not applied. */
    IGNORED,
    /** Mixed mode, untrusted peer, no PROXY signature: its bytes pass untouched. */
    DIRECT,
    /** Closed without a byte of response, for a {@link Reason}. */
    REJECTED
}

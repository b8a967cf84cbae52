package io.github.proxyproto4j.core;

/** Which connections must carry a PROXY header. Decided by the peer's address, never by peeking. */
public enum ProxyProtocolMode {
    /** Every connection must start with a header (the default). */
    REQUIRED,
    /**
     * Trusted peers must send a header; every other peer connects directly and must not send one. Needs a
     * non-empty trusted-proxies list.
     */
    MIXED
}

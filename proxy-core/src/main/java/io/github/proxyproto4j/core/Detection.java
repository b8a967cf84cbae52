package io.github.proxyproto4j.core;

/** What the first bytes of a connection are, as told by {@link ProxyHeaderDecoder#detect}. */
public enum Detection {
    /** The six bytes {@code "PROXY "} were seen. */
    V1,
    /** The whole 12-byte v2 signature was seen. */
    V2,
    /** A byte arrived that can start neither signature: this is not a PROXY header. */
    NOT_PROXY,
    /** Every byte so far fits a signature, but too few have arrived to tell. */
    NEED_MORE_DATA
}

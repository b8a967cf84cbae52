package io.github.proxyproto4j.core;

/** What a {@link ProxyProtocolMode#REQUIRED} port does with a peer that is not a trusted proxy. */
public enum UntrustedAction {
    /** Close the connection at accept, without reading (the default). */
    REJECT,
    /** Read and check the header, but keep the socket's own addresses. */
    IGNORE
}

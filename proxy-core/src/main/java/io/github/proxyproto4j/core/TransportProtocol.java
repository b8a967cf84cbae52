package io.github.proxyproto4j.core;

/** The transport a header declares. */
public enum TransportProtocol {
    /** Unspecified. */
    UNSPEC,
    /** A stream: TCP, or a stream-oriented Unix socket. */
    STREAM,
    /** Datagrams: UDP, or a datagram Unix socket. */
    DGRAM
}

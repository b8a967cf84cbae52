package io.github.proxyproto4j.core;

/** The command of a header: whether it carries a proxied client or speaks for the proxy itself. */
public enum Command {
    /** The proxy opened the connection on its own behalf (health checks): use the real endpoints. */
    LOCAL,
    /** The connection was relayed for a client; v1 headers are always PROXY. */
    PROXY
}

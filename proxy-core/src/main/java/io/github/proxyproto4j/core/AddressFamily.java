package io.github.proxyproto4j.core;

/** The address family a header declares. */
public enum AddressFamily {
    /** Unknown or unspecified: v2 {@code AF_UNSPEC}, v1 {@code UNKNOWN}. */
    UNSPEC,
    /** IPv4 (v2 {@code AF_INET}, v1 {@code TCP4}). */
    INET,
    /** IPv6 (v2 {@code AF_INET6}, v1 {@code TCP6}). */
    INET6,
    /** Unix domain socket paths (v2 only). */
    UNIX
}

package io.github.proxyproto4j.benchmarks.load;

/** The servers the load harness drives, each in a JVM of its own with every port it serves. */
enum ServerKind {
    /** Jetty 12.1: a plain port, ours ({@code ProxyProtocolConnectionFactory}) and Jetty's {@code ProxyConnectionFactory}. */
    JETTY,
    /** Tomcat 11 NIO: a plain port and ours ({@code ProxyProtocolHttp11NioProtocol}). */
    TOMCAT;

    /** @return the lower-case name used on the command line and in the results */
    String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static ServerKind of(String id) {
        return valueOf(id.trim().toUpperCase(java.util.Locale.ROOT));
    }
}

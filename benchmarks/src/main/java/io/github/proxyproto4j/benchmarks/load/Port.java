package io.github.proxyproto4j.benchmarks.load;

/** A port of a load server, named by what reads the connection before HTTP does. */
enum Port {
    /** HTTP/1.1 directly, no PROXY header. */
    PLAIN("plain", false),
    /** proxyproto4j's connector (Jetty factory or Tomcat protocol), then HTTP/1.1. */
    OURS("ours", true),
    /** Jetty's built-in {@code org.eclipse.jetty.server.ProxyConnectionFactory}, then HTTP/1.1. */
    JETTY_BUILTIN("jetty-builtin", true);

    private final String id;
    private final boolean proxyProtocol;

    Port(String id, boolean proxyProtocol) {
        this.id = id;
        this.proxyProtocol = proxyProtocol;
    }

    /** @return the name printed by the server and used in the results */
    String id() {
        return id;
    }

    /** @return whether a client must send a PROXY header first on this port */
    boolean proxyProtocol() {
        return proxyProtocol;
    }

    static Port of(String id) {
        for (Port p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown port name: " + id);
    }
}

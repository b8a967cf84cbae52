package io.github.proxyproto4j.interop.slowloris;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.time.Duration;

/** The adapters under attack, each started in this JVM from its own API. */
enum Adapter {
    /** {@code ProxyProtocolConnectionFactory} on Jetty 12. */
    JETTY,
    /** {@code ProxyProtocolHttp11NioProtocol} on Tomcat 11. */
    TOMCAT;

    /** Deep enough for a burst of a few thousand connects: each attack opens its connections as fast as it can. */
    static final int BACKLOG = 4096;

    /**
     * @param config the PROXY port's settings
     * @param idleTimeout the servers' own idle (connection) timeout, longer than the header timeout
     * @return the started server
     * @throws Exception if it cannot start
     */
    ServerUnderTest start(ProxyProtocolConfig config, Duration idleTimeout) throws Exception {
        return this == JETTY ? JettyServer.start(config, idleTimeout, BACKLOG)
                : TomcatServer.start(config, idleTimeout, BACKLOG);
    }
}

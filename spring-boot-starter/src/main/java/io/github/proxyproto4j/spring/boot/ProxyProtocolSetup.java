package io.github.proxyproto4j.spring.boot;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolListener;
import io.github.proxyproto4j.core.TrustedProxies;
import java.util.List;
import java.util.Objects;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What the starter applies, checked once: where PROXY is required (server.port, or an extra port), the core
 * configuration, the forwarded-header trust list, the TLS bundle of the extra port and the listeners. The
 * Tomcat and Jetty configurations only translate this for their server.
 */
public final class ProxyProtocolSetup {
    private static final Log LOG = LogFactory.getLog(ProxyProtocolSetup.class);

    private final ProxyProtocolConfig config;
    private final Integer extraPort;
    private final TrustedProxies forwardedTrusted;
    private final String sslBundle;
    private final List<ProxyProtocolListener> listeners;

    ProxyProtocolSetup(ProxyProtocolProperties properties, Integer serverPort, List<ProxyProtocolListener> listeners) {
        if (properties.isEnabled() && properties.getPort() != null) {
            throw new ProxyProtocolConfigurationException("proxy-protocol.port",
                    "proxy-protocol.enabled=true and proxy-protocol.port=" + properties.getPort() + " are both set: "
                            + "use enabled to require PROXY on server.port, or port for an extra PROXY port, not both",
                    null);
        }
        Integer port = properties.getPort();
        if (port != null && (port < 0 || port > 65535)) {
            throw new ProxyProtocolConfigurationException("proxy-protocol.port",
                    "proxy-protocol.port=" + port + " is not a port (0 picks a free one)", null);
        }
        int main = serverPort == null ? 8080 : serverPort;
        if (port != null && port != 0 && port == main) {
            throw new ProxyProtocolConfigurationException("proxy-protocol.port", "proxy-protocol.port=" + port
                    + " is server.port too: the extra PROXY port must differ (or set proxy-protocol.enabled=true "
                    + "to require PROXY on server.port)", null);
        }
        if (port == null && properties.getSsl().getBundle() != null) {
            throw new ProxyProtocolConfigurationException("proxy-protocol.ssl.bundle", "proxy-protocol.ssl.bundle "
                    + "applies to proxy-protocol.port only; on server.port, server.ssl.* keeps working", null);
        }
        this.config = properties.toConfig();
        this.extraPort = port;
        this.forwardedTrusted = properties.forwardedTrusted();
        this.sslBundle = properties.getSsl().getBundle();
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Logs, once the server is up, which port requires PROXY and with what: one INFO line.
     *
     * @param port the bound port of the PROXY connector
     */
    void logStartup(int port) {
        LOG.info(startupMessage(port));
    }

    String startupMessage(int port) {
        String where = "port " + port + (extraPort == null ? " (server.port)" : " (proxy-protocol.port)");
        return "PROXY protocol required on " + where + ": mode=" + config.text(ConfigKey.MODE)
                + ", trusted-proxies=" + (config.trustedProxies().trustsAll() ? "(all)" : config.text(ConfigKey.TRUSTED_PROXIES))
                + ", untrusted-action=" + config.text(ConfigKey.UNTRUSTED_ACTION)
                + ", header-timeout=" + config.text(ConfigKey.HEADER_TIMEOUT)
                + (sslBundle == null ? "" : ", ssl.bundle=" + sslBundle)
                + (forwardedTrusted == null ? "; forwarded headers ignored on PROXY connections"
                        : "; forwarded headers honoured from " + forwardedTrusted);
    }

    /** @return the core configuration */
    public ProxyProtocolConfig config() {
        return config;
    }

    /** @return whether server.port itself requires PROXY */
    public boolean onMainPort() {
        return extraPort == null;
    }

    /** @return the extra PROXY port (0 = a free one), or null when PROXY is on server.port */
    public Integer extraPort() {
        return extraPort;
    }

    /** @return the PROXY clients whose forwarded headers are honoured, or null for none */
    public TrustedProxies forwardedTrusted() {
        return forwardedTrusted;
    }

    /** @return the SSL bundle of the extra port, or null */
    public String sslBundle() {
        return sslBundle;
    }

    /** @return listeners to add to every PROXY connector (e.g. Micrometer) */
    public List<ProxyProtocolListener> listeners() {
        return listeners;
    }

    @Override
    public String toString() {
        return "ProxyProtocolSetup{" + (extraPort == null ? "server.port" : "port " + extraPort) + ", " + config + '}';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProxyProtocolSetup s && Objects.equals(config, s.config) && Objects.equals(extraPort, s.extraPort);
    }

    @Override
    public int hashCode() {
        return Objects.hash(config, extraPort);
    }
}

package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.core.ProxyProtocolListener;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

/**
 * HTTP/1.1 over NIO where every connection starts with a PROXY header: the drop-in protocol for
 * {@code <Connector protocol="io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol" …/>} and for
 * {@code new Connector(new ProxyProtocolHttp11NioProtocol())}. The settings are the core's config table, as
 * {@code proxyProtocol*} attributes (the header timeout in milliseconds).
 */
public class ProxyProtocolHttp11NioProtocol extends Http11NioProtocol {
    private static final Log LOG = LogFactory.getLog(ProxyProtocolHttp11NioProtocol.class);

    private ObjectName countersName;

    /** A protocol with the core defaults: required, trust all, 5 s. */
    public ProxyProtocolHttp11NioProtocol() {
        super(new ProxyProtocolNioEndpoint());
    }

    /**
     * @param config the PROXY protocol settings
     */
    public ProxyProtocolHttp11NioProtocol(ProxyProtocolConfig config) {
        this();
        setProxyProtocolConfig(config);
    }

    private ProxyProtocolNioEndpoint endpoint() {
        return (ProxyProtocolNioEndpoint) getEndpoint();
    }

    @Override
    protected Log getLog() {
        return LOG;
    }

    @Override
    protected String getNamePrefix() {
        return isSSLEnabled() ? "https-proxyproto4j-nio" : "http-proxyproto4j-nio";
    }

    @Override
    public void start() throws Exception {
        super.start();
        registerCounters();
    }

    @Override
    public void destroy() throws Exception {
        unregisterCounters();
        super.destroy();
    }

    /** Counters as an MXBean in Tomcat's JMX domain: {@code <domain>:type=ProxyProtocol,name="<connector>"}. */
    private void registerCounters() {
        String domain = getDomain();
        if (domain == null) {
            return; // JMX not set up for this protocol (e.g. bare embedded use)
        }
        try {
            String connector = getName(); // Tomcat's connector names come quoted already: "http-nio-9080"
            String quoted = connector.startsWith("\"") ? connector : ObjectName.quote(connector);
            ObjectName name = new ObjectName(domain + ":type=ProxyProtocol,name=" + quoted);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (!server.isRegistered(name)) {
                server.registerMBean(getProxyProtocolCounters(), name);
                countersName = name;
            }
        } catch (Exception e) {
            LOG.warn("PROXY protocol: could not register the counters MBean: " + e);
        }
    }

    private void unregisterCounters() {
        if (countersName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(countersName);
            } catch (Exception ignored) {
                // already gone
            }
            countersName = null;
        }
    }

    /**
     * Takes every setting from a configuration, e.g. from Spring Boot's properties (before start).
     *
     * @param config the settings
     */
    public void setProxyProtocolConfig(ProxyProtocolConfig config) {
        for (ConfigKey k : ConfigKey.values()) {
            endpoint().setting(k, k.isDuration() ? Long.toString(config.headerTimeout().toMillis()) : config.text(k));
        }
    }

    /** @return the configuration in force once started */
    public ProxyProtocolConfig getProxyProtocolConfig() {
        return endpoint().getProxyProtocolConfig();
    }

    /** @return outcome and reason counts of this connector */
    public ProxyProtocolCounters getProxyProtocolCounters() {
        return endpoint().getProxyProtocolCounters();
    }

    /** @param listener hears every connection's outcome, e.g. a Micrometer binding */
    public void addProxyProtocolListener(ProxyProtocolListener listener) {
        endpoint().addProxyProtocolListener(listener);
    }

    /*
     * server.xml attributes, all taken as text and checked when the connector starts: Tomcat turns a setter's
     * exception into a warning, so a bad value must not be parsed (and dropped) here.
     */

    /** @param mode {@code required} or {@code mixed} */
    public void setProxyProtocolMode(String mode) {
        endpoint().setting(ConfigKey.MODE, mode);
    }

    /** @param list comma-separated CIDR blocks and addresses; empty trusts every peer */
    public void setProxyProtocolTrustedProxies(String list) {
        endpoint().setting(ConfigKey.TRUSTED_PROXIES, list);
    }

    /** @param action {@code reject} or {@code ignore} */
    public void setProxyProtocolUntrustedAction(String action) {
        endpoint().setting(ConfigKey.UNTRUSTED_ACTION, action);
    }

    /** @param millis the header timeout in milliseconds, from accept */
    public void setProxyProtocolHeaderTimeout(String millis) {
        endpoint().setting(ConfigKey.HEADER_TIMEOUT, millis);
    }

    /** @param size the cap on the v2 length field */
    public void setProxyProtocolMaxHeaderSize(String size) {
        endpoint().setting(ConfigKey.MAX_HEADER_SIZE, size);
    }

    /** @param size the cap on one TLV value */
    public void setProxyProtocolMaxTlvSize(String size) {
        endpoint().setting(ConfigKey.MAX_TLV_SIZE, size);
    }

    /** @param max connections waiting for their header at once */
    public void setProxyProtocolMaxPending(String max) {
        endpoint().setting(ConfigKey.MAX_PENDING, max);
    }

    /** @param secure whether the SSL TLV's client bit makes requests secure (needs {@link ProxyProtocolValve}) */
    public void setProxyProtocolSecureFromSslTlv(String secure) {
        endpoint().setting(ConfigKey.SECURE_FROM_SSL_TLV, secure);
    }

    /** @param local whether the header's destination becomes the local address and port */
    public void setProxyProtocolLocalAddressFromHeader(String local) {
        endpoint().setting(ConfigKey.LOCAL_ADDRESS_FROM_HEADER, local);
    }
}

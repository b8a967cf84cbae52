package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ConnectionHandshake;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.core.ProxyProtocolListener;
import io.github.proxyproto4j.core.ProxyProtocolPolicy;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;

/**
 * A strict PROXY protocol {@link ConnectionFactory} for Jetty 12.1: put it first in a connector's list.
 *
 * <p>Every connection goes through the core decision table ({@code proxyproto4j-core}): trusted peers must
 * send a v1 or v2 header (or, in mixed mode, only they may), the header timeout is absolute from accept,
 * at most {@code max-pending} connections wait for a header, and a refused connection is closed without a
 * byte of response. An applied header's addresses become the connection's remote and local addresses, so
 * HTTP/1.1, HTTP/2, TLS terminated by Jetty after the header, servlets and the request log all see the
 * client. It also adds a {@link ProxyProtocolRequestCustomizer} to the connector's HTTP configurations
 * (once), which sets the request attributes and {@code isSecure()} from the SSL TLV.
 */
@ManagedObject("PROXY protocol (proxyproto4j): strict header decoding, trust list, absolute header timeout")
public class ProxyProtocolConnectionFactory extends AbstractConnectionFactory {
    /** The protocol name; the same as Jetty's built-in factory, so it replaces it one for one. */
    public static final String PROTOCOL = "proxy";

    private final String nextProtocol;
    private final ProxyProtocolConfig.Builder settings;
    private final ProxyProtocolCounters counters = new ProxyProtocolCounters();
    private final List<ProxyProtocolListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<HttpConfiguration, Boolean> customized = new java.util.concurrent.ConcurrentHashMap<>();
    /** Connectors already looked at: the lookup reflects over each factory, too costly for every connection. */
    private final java.util.Set<Connector> customizedConnectors = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile ProxyProtocolConfig config;
    private volatile ProxyProtocolPolicy policy;

    /** The defaults (required, trust all, 5 s); Jetty XML sets the rest through the setters. */
    public ProxyProtocolConnectionFactory() {
        this(ProxyProtocolConfig.defaults());
    }

    /**
     * Upgrades to whichever factory follows this one in the connector.
     *
     * @param config the settings
     */
    public ProxyProtocolConnectionFactory(ProxyProtocolConfig config) {
        this(config, null);
    }

    /**
     * @param config the settings
     * @param nextProtocol the protocol to upgrade to after the header, or null for the next factory in the connector
     */
    public ProxyProtocolConnectionFactory(ProxyProtocolConfig config, String nextProtocol) {
        super(PROTOCOL);
        this.settings = Objects.requireNonNull(config, "config").toBuilder();
        this.config = config;
        this.nextProtocol = nextProtocol;
    }

    @Override
    protected void doStart() throws Exception {
        ProxyProtocolConfig built = settings.build(); // fails start-up with the setting's name if invalid
        config = built;
        policy = new ProxyProtocolPolicy(built, new Listeners());
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        customizedConnectors.clear(); // a restarted connector may have other factories
        super.doStop();
    }

    /** @return the configuration in force (after start, what the setters made) */
    public ProxyProtocolConfig getConfig() {
        return config;
    }

    /** @return outcome and reason counts of this factory's connections */
    public ProxyProtocolCounters getCounters() {
        return counters;
    }

    /**
     * Adds a listener, e.g. a Micrometer binding. Counting is built in ({@link #getCounters()}).
     *
     * @param listener hears every connection's outcome
     */
    public void addListener(ProxyProtocolListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        ProxyProtocolPolicy p = policy;
        if (p == null) {
            throw new IllegalStateException("not started: " + this);
        }
        String next = nextProtocol != null ? nextProtocol : findNextProtocol(connector);
        ConnectionFactory nextFactory = next == null ? null : connector.getConnectionFactory(next);
        if (nextFactory == null) {
            throw new IllegalStateException("no protocol after " + PROTOCOL + " on " + connector);
        }
        addCustomizerOnce(connector);
        ConnectionHandshake handshake = p.open(endPoint.getRemoteSocketAddress());
        return configure(new ProxyProtocolConnection(endPoint, connector, nextFactory, handshake,
                readSize(nextFactory)), connector, endPoint);
    }

    /**
     * The most one read may take: what is read past the header is handed to the next connection, which copies it
     * into a buffer of its factory's input size and silently drops what does not fit (Jetty's
     * {@code HttpConnection.onUpgradeTo}), so a read larger than that buffer could lose request bytes and stall the
     * connection until its idle timeout.
     */
    private int readSize(ConnectionFactory nextFactory) {
        int own = Math.max(getInputBufferSize(), 512);
        int nextCapacity = nextFactory instanceof AbstractConnectionFactory a && a.getInputBufferSize() > 0
                ? a.getInputBufferSize() : own;
        return Math.max(ProxyProtocolConnection.MIN_READ_SIZE, Math.min(own, nextCapacity));
    }

    /** Request attributes and https need a customizer; adding it here spares users a second step. */
    private void addCustomizerOnce(Connector connector) {
        if (customizedConnectors.contains(connector)) {
            return;
        }
        for (ConnectionFactory f : connector.getConnectionFactories()) {
            HttpConfiguration http = httpConfiguration(f);
            if (http != null) {
                customized.computeIfAbsent(http, h -> {
                    if (h.getCustomizer(ProxyProtocolRequestCustomizer.class) == null) {
                        h.addCustomizer(new ProxyProtocolRequestCustomizer());
                    }
                    return Boolean.TRUE;
                });
            }
        }
        // Marked only once done, so a concurrent first connection never skips ahead of the customizer.
        customizedConnectors.add(connector);
    }

    /**
     * The HTTP configuration of an HTTP/1.1 factory, or of an HTTP/2 one (h2, h2c), which has its own but does not
     * implement {@link HttpConfiguration.ConnectionFactory}; looked up by name so this module needs no HTTP/2 jar.
     *
     * @param f a connection factory
     * @return its HTTP configuration, or null if it has none
     */
    public static HttpConfiguration httpConfiguration(ConnectionFactory f) {
        if (f instanceof HttpConfiguration.ConnectionFactory hf) {
            return hf.getHttpConfiguration();
        }
        try {
            java.lang.reflect.Method m = f.getClass().getMethod("getHttpConfiguration");
            return m.getReturnType() == HttpConfiguration.class ? (HttpConfiguration) m.invoke(f) : null;
        } catch (ReflectiveOperationException | RuntimeException none) {
            return null;
        }
    }

    // Bean setters for Jetty XML and the jetty-home module: the names of ConfigKey#jettyProperty().

    /** @param mode {@code required} or {@code mixed} */
    public void setMode(String mode) {
        set(ConfigKey.MODE, mode);
    }

    /** @param list comma-separated CIDR blocks and addresses; empty trusts every peer */
    public void setTrustedProxies(String list) {
        set(ConfigKey.TRUSTED_PROXIES, list);
    }

    /** @param action {@code reject} or {@code ignore} */
    public void setUntrustedAction(String action) {
        set(ConfigKey.UNTRUSTED_ACTION, action);
    }

    /** @param millis the header timeout in milliseconds, counted from accept */
    public void setHeaderTimeout(long millis) {
        set(ConfigKey.HEADER_TIMEOUT, Long.toString(millis));
    }

    /** @param size the cap on the v2 length field, up to 65535 */
    public void setMaxHeaderSize(int size) {
        set(ConfigKey.MAX_HEADER_SIZE, Integer.toString(size));
    }

    /** @param size the cap on one TLV value */
    public void setMaxTlvSize(int size) {
        set(ConfigKey.MAX_TLV_SIZE, Integer.toString(size));
    }

    /** @param max connections waiting for a header at once */
    public void setMaxPending(int max) {
        set(ConfigKey.MAX_PENDING, Integer.toString(max));
    }

    /** @param secure whether the SSL TLV's client bit makes requests secure (https) */
    public void setSecureFromSslTlv(boolean secure) {
        set(ConfigKey.SECURE_FROM_SSL_TLV, Boolean.toString(secure));
    }

    /** @param local whether the header's destination becomes the local address */
    public void setLocalAddressFromHeader(boolean local) {
        set(ConfigKey.LOCAL_ADDRESS_FROM_HEADER, Boolean.toString(local));
    }

    private void set(ConfigKey key, String value) {
        if (isStarted()) {
            throw new IllegalStateException("set " + key.key() + " before starting " + this);
        }
        settings.set(key, value, true);
    }

    /** @return connections whose header was applied */
    @ManagedAttribute("connections whose header was applied")
    public long getAccepted() {
        return counters.getAccepted();
    }

    /** @return trusted connections with a LOCAL or address-less header */
    @ManagedAttribute("trusted connections with a LOCAL or address-less header")
    public long getLocal() {
        return counters.getLocal();
    }

    /** @return untrusted connections whose header was read but not applied */
    @ManagedAttribute("untrusted connections whose header was read but not applied")
    public long getIgnored() {
        return counters.getIgnored();
    }

    /** @return untrusted connections passed through without a header (mixed mode) */
    @ManagedAttribute("untrusted connections passed through without a header (mixed mode)")
    public long getDirect() {
        return counters.getDirect();
    }

    /** @return connections closed without a response */
    @ManagedAttribute("connections closed without a response")
    public long getRejected() {
        return counters.getRejected();
    }

    /** @return connections waiting for their header now */
    @ManagedAttribute("connections waiting for their header now")
    public long getPending() {
        return counters.getPending();
    }

    /** @return rejections by reason */
    public Map<String, Long> getRejectedByReason() {
        return counters.getRejectedByReason();
    }

    /** @return rejections by reason as {@code REASON=count} pairs, a plain string any JMX console can show */
    @ManagedAttribute("rejections by reason, REASON=count pairs")
    public String getRejectionsByReason() {
        return counters.getRejectedByReason().toString();
    }

    @Override
    public String toString() {
        return String.format("%s@%x{%s->%s, %s}", getClass().getSimpleName(), hashCode(), PROTOCOL,
                nextProtocol == null ? "(next)" : nextProtocol, config);
    }

    /** Counts, then tells the added listeners. */
    private final class Listeners implements ProxyProtocolListener {
        @Override
        public void onOutcome(io.github.proxyproto4j.core.Outcome outcome, io.github.proxyproto4j.core.Reason reason) {
            counters.onOutcome(outcome, reason);
            for (ProxyProtocolListener l : listeners) {
                l.onOutcome(outcome, reason);
            }
        }

        @Override
        public void onPendingChanged(int delta) {
            counters.onPendingChanged(delta);
            for (ProxyProtocolListener l : listeners) {
                l.onPendingChanged(delta);
            }
        }
    }
}

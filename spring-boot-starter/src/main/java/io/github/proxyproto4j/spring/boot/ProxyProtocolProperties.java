package io.github.proxyproto4j.spring.boot;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolMode;
import io.github.proxyproto4j.core.TrustedProxies;
import io.github.proxyproto4j.core.UntrustedAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code proxy-protocol.*}: the keys of the core configuration table, plus {@code enabled}, {@code port},
 * {@code forwarded-trusted-proxies} and {@code ssl.bundle}. With neither {@code enabled} nor {@code port} set,
 * nothing changes.
 */
@ConfigurationProperties(prefix = "proxy-protocol")
public class ProxyProtocolProperties {
    /** Require a PROXY header on the main port (server.port). Not together with port. */
    private boolean enabled;

    /**
     * An extra port that requires a PROXY header, while server.port stays plain (the reference scenario: 9080
     * with PROXY, 8080 without). 0 picks a free port, published as local.proxy-protocol.port.
     */
    private Integer port;

    /** required: every connection must send a header; mixed: trusted proxies must, other peers must not. */
    private ProxyProtocolMode mode = ProxyProtocolMode.REQUIRED;

    /** Proxies allowed to send a header: IP addresses and CIDR blocks. Empty trusts every peer (logged once). */
    private List<String> trustedProxies = new ArrayList<>();

    /** What a required port does with a peer that is not a trusted proxy: reject (close) or ignore its header. */
    private UntrustedAction untrustedAction = UntrustedAction.REJECT;

    /** How long a connection may take to send its whole header, counted from accept. */
    private Duration headerTimeout = ProxyProtocolConfig.DEFAULT_HEADER_TIMEOUT;

    /** The largest v2 header length accepted, up to 65535. */
    private int maxHeaderSize = 1024;

    /** The largest single TLV value accepted. */
    private int maxTlvSize = 1024;

    /** Connections allowed to wait for their header at once; beyond it, new ones are closed at once. */
    private int maxPending = ProxyProtocolConfig.DEFAULT_MAX_PENDING;

    /** Whether the SSL TLV's client bit makes requests secure (https). */
    private boolean secureFromSslTlv = true;

    /** Whether the header's destination becomes the request's local address and port. */
    private boolean localAddressFromHeader = true;

    /**
     * PROXY clients whose X-Forwarded-For / Forwarded headers are honoured on PROXY connectors (IP addresses and
     * CIDR blocks). Default none: forwarded headers from behind a PROXY load balancer are ignored.
     */
    private List<String> forwardedTrustedProxies = new ArrayList<>();

    /** TLS for the extra PROXY port. */
    private final Ssl ssl = new Ssl();

    /** TLS settings of the extra port: Boot does not customise additional connectors, so they come from a bundle. */
    public static class Ssl {
        /** The name of an SSL bundle (spring.ssl.bundle.*) to terminate TLS on proxy-protocol.port. */
        private String bundle;

        /** @return the bundle name, or null */
        public String getBundle() {
            return bundle;
        }

        /** @param bundle the bundle name */
        public void setBundle(String bundle) {
            this.bundle = bundle;
        }
    }

    /**
     * The core configuration these properties describe.
     *
     * @return the configuration
     * @throws ProxyProtocolConfigurationException naming the property when a value is invalid
     */
    public ProxyProtocolConfig toConfig() {
        ProxyProtocolConfig.Builder b = ProxyProtocolConfig.builder()
                .mode(mode)
                .untrustedAction(untrustedAction)
                .headerTimeout(headerTimeout)
                .maxHeaderSize(maxHeaderSize)
                .maxTlvSize(maxTlvSize)
                .maxPending(maxPending)
                .secureFromSslTlv(secureFromSslTlv)
                .localAddressFromHeader(localAddressFromHeader);
        b.trustedProxies(trusted(ConfigKey.TRUSTED_PROXIES.springBootProperty(), trustedProxies));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ProxyProtocolConfigurationException(propertyOf(e.getMessage()), asProperties(e.getMessage()), e);
        }
    }

    /**
     * The core's messages name its keys ({@code mode=mixed needs trusted-proxies}); here they become the properties
     * to fix ({@code proxy-protocol.mode=mixed needs proxy-protocol.trusted-proxies}).
     */
    static String asProperties(String message) {
        if (message == null) {
            return null;
        }
        String m = message;
        for (ConfigKey k : ConfigKey.values()) {
            m = m.replaceAll("(?<![\\w.-])" + Pattern.quote(k.key()) + "(?![\\w-])",
                    Matcher.quoteReplacement(k.springBootProperty()));
        }
        return m;
    }

    /**
     * @return {@code forwarded-trusted-proxies} parsed
     * @throws ProxyProtocolConfigurationException naming the entry that is not an address or CIDR block
     */
    public TrustedProxies forwardedTrusted() {
        List<String> entries = forwardedTrustedProxies;
        return entries.isEmpty() ? null : trusted("proxy-protocol.forwarded-trusted-proxies", entries);
    }

    private static TrustedProxies trusted(String property, List<String> entries) {
        for (int i = 0; i < entries.size(); i++) {
            try {
                TrustedProxies.of(List.of(entries.get(i)));
            } catch (IllegalArgumentException e) {
                String name = property + "[" + i + "]";
                throw new ProxyProtocolConfigurationException(name, name + "=" + entries.get(i)
                        + " is not an IP address or CIDR block", e);
            }
        }
        return TrustedProxies.of(entries);
    }

    /** The messages of ProxyProtocolConfig's checks start with the key they are about. */
    private static String propertyOf(String message) {
        for (ConfigKey k : ConfigKey.values()) {
            if (message != null && message.contains(k.key())) {
                return k.springBootProperty();
            }
        }
        return "proxy-protocol";
    }

    /** @return whether server.port requires a header */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether server.port requires a header */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the extra PROXY port, or null */
    public Integer getPort() {
        return port;
    }

    /** @param port the extra PROXY port */
    public void setPort(Integer port) {
        this.port = port;
    }

    /** @return the mode */
    public ProxyProtocolMode getMode() {
        return mode;
    }

    /** @param mode the mode */
    public void setMode(ProxyProtocolMode mode) {
        this.mode = mode;
    }

    /** @return the trusted proxies as written */
    public List<String> getTrustedProxies() {
        return trustedProxies;
    }

    /** @param trustedProxies the trusted proxies */
    public void setTrustedProxies(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /** @return the untrusted action */
    public UntrustedAction getUntrustedAction() {
        return untrustedAction;
    }

    /** @param untrustedAction the untrusted action */
    public void setUntrustedAction(UntrustedAction untrustedAction) {
        this.untrustedAction = untrustedAction;
    }

    /** @return the header timeout */
    public Duration getHeaderTimeout() {
        return headerTimeout;
    }

    /** @param headerTimeout the header timeout */
    public void setHeaderTimeout(Duration headerTimeout) {
        this.headerTimeout = headerTimeout;
    }

    /** @return the v2 length cap */
    public int getMaxHeaderSize() {
        return maxHeaderSize;
    }

    /** @param maxHeaderSize the v2 length cap */
    public void setMaxHeaderSize(int maxHeaderSize) {
        this.maxHeaderSize = maxHeaderSize;
    }

    /** @return the TLV value cap */
    public int getMaxTlvSize() {
        return maxTlvSize;
    }

    /** @param maxTlvSize the TLV value cap */
    public void setMaxTlvSize(int maxTlvSize) {
        this.maxTlvSize = maxTlvSize;
    }

    /** @return the max pending connections */
    public int getMaxPending() {
        return maxPending;
    }

    /** @param maxPending the max pending connections */
    public void setMaxPending(int maxPending) {
        this.maxPending = maxPending;
    }

    /** @return whether the SSL TLV makes requests secure */
    public boolean isSecureFromSslTlv() {
        return secureFromSslTlv;
    }

    /** @param secureFromSslTlv whether the SSL TLV makes requests secure */
    public void setSecureFromSslTlv(boolean secureFromSslTlv) {
        this.secureFromSslTlv = secureFromSslTlv;
    }

    /** @return whether the header's destination is the local address */
    public boolean isLocalAddressFromHeader() {
        return localAddressFromHeader;
    }

    /** @param localAddressFromHeader whether the header's destination is the local address */
    public void setLocalAddressFromHeader(boolean localAddressFromHeader) {
        this.localAddressFromHeader = localAddressFromHeader;
    }

    /** @return the forwarded-header trust list as written */
    public List<String> getForwardedTrustedProxies() {
        return forwardedTrustedProxies;
    }

    /** @param forwardedTrustedProxies the forwarded-header trust list */
    public void setForwardedTrustedProxies(List<String> forwardedTrustedProxies) {
        this.forwardedTrustedProxies = forwardedTrustedProxies;
    }

    /** @return the TLS settings of the extra port */
    public Ssl getSsl() {
        return ssl;
    }
}

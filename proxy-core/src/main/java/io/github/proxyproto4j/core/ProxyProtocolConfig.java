package io.github.proxyproto4j.core;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a PROXY protocol port is configured with, immutable. {@link ConfigKey} lists the settings
 * and the name each has in Spring Boot, Tomcat's {@code <Connector>}, the Jetty module and the samples.
 */
public final class ProxyProtocolConfig {
    /** Default header timeout: the reference load balancer's, and above a TCP retransmit (3 s). */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(5);
    /** Default cap on connections waiting for their header. */
    public static final int DEFAULT_MAX_PENDING = 1024;

    private static final ProxyProtocolConfig DEFAULTS = builder().build();

    private final ProxyProtocolMode mode;
    private final TrustedProxies trustedProxies;
    private final UntrustedAction untrustedAction;
    private final Duration headerTimeout;
    private final int maxHeaderSize;
    private final int maxTlvSize;
    private final int maxPending;
    private final boolean secureFromSslTlv;
    private final boolean localAddressFromHeader;

    private ProxyProtocolConfig(Builder b) {
        this.mode = b.mode;
        this.trustedProxies = b.trustedProxies;
        this.untrustedAction = b.untrustedAction;
        this.headerTimeout = b.headerTimeout;
        this.maxHeaderSize = b.maxHeaderSize;
        this.maxTlvSize = b.maxTlvSize;
        this.maxPending = b.maxPending;
        this.secureFromSslTlv = b.secureFromSslTlv;
        this.localAddressFromHeader = b.localAddressFromHeader;
    }

    /** @return the defaults: required, trust all, reject, 5 s, 1024, 1024, 1024, true, true */
    public static ProxyProtocolConfig defaults() {
        return DEFAULTS;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this configuration */
    public Builder toBuilder() {
        return new Builder()
                .mode(mode)
                .trustedProxies(trustedProxies)
                .untrustedAction(untrustedAction)
                .headerTimeout(headerTimeout)
                .maxHeaderSize(maxHeaderSize)
                .maxTlvSize(maxTlvSize)
                .maxPending(maxPending)
                .secureFromSslTlv(secureFromSslTlv)
                .localAddressFromHeader(localAddressFromHeader);
    }

    /**
     * Reads settings named the way one place names them, e.g. Tomcat attributes or Boot properties.
     * Durations are read in that place's syntax ({@link Builder#set}).
     *
     * @param settings name to value; names that are no {@link ConfigKey}'s are an error
     * @param millis whether durations are plain milliseconds (Tomcat, Jetty) rather than text like {@code 5s}
     * @return the configuration
     */
    public static ProxyProtocolConfig from(Map<String, String> settings, boolean millis) {
        Builder b = builder();
        settings.forEach((name, value) -> b.set(ConfigKey.byName(name), value, millis));
        return b.build();
    }

    /** @return {@link ConfigKey#MODE} */
    public ProxyProtocolMode mode() {
        return mode;
    }

    /** @return {@link ConfigKey#TRUSTED_PROXIES} */
    public TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    /** @return {@link ConfigKey#UNTRUSTED_ACTION} */
    public UntrustedAction untrustedAction() {
        return untrustedAction;
    }

    /** @return {@link ConfigKey#HEADER_TIMEOUT}, counted from accept */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /** @return {@link ConfigKey#MAX_HEADER_SIZE} */
    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    /** @return {@link ConfigKey#MAX_TLV_SIZE} */
    public int maxTlvSize() {
        return maxTlvSize;
    }

    /** @return {@link ConfigKey#MAX_PENDING} */
    public int maxPending() {
        return maxPending;
    }

    /** @return {@link ConfigKey#SECURE_FROM_SSL_TLV} */
    public boolean secureFromSslTlv() {
        return secureFromSslTlv;
    }

    /** @return {@link ConfigKey#LOCAL_ADDRESS_FROM_HEADER} */
    public boolean localAddressFromHeader() {
        return localAddressFromHeader;
    }

    /** @return a decoder with this configuration's limits */
    public ProxyHeaderDecoder newDecoder() {
        return new ProxyHeaderDecoder(maxHeaderSize, maxTlvSize);
    }

    /**
     * The value of one setting in the text syntax of Boot properties and sample flags.
     *
     * @param key the setting
     * @return e.g. {@code required}, {@code 5s}, {@code 10.0.0.0/8,192.168.1.7}
     */
    public String text(ConfigKey key) {
        switch (key) {
            case MODE:
                return mode.name().toLowerCase(Locale.ROOT);
            case TRUSTED_PROXIES:
                return trustedProxies.toString();
            case UNTRUSTED_ACTION:
                return untrustedAction.name().toLowerCase(Locale.ROOT);
            case HEADER_TIMEOUT:
                return ConfigValues.format(headerTimeout);
            case MAX_HEADER_SIZE:
                return Integer.toString(maxHeaderSize);
            case MAX_TLV_SIZE:
                return Integer.toString(maxTlvSize);
            case MAX_PENDING:
                return Integer.toString(maxPending);
            case SECURE_FROM_SSL_TLV:
                return Boolean.toString(secureFromSslTlv);
            default:
                return Boolean.toString(localAddressFromHeader);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProxyProtocolConfig c && mode == c.mode && trustedProxies.equals(c.trustedProxies)
                && untrustedAction == c.untrustedAction && headerTimeout.equals(c.headerTimeout)
                && maxHeaderSize == c.maxHeaderSize && maxTlvSize == c.maxTlvSize && maxPending == c.maxPending
                && secureFromSslTlv == c.secureFromSslTlv && localAddressFromHeader == c.localAddressFromHeader;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, trustedProxies, untrustedAction, headerTimeout, maxHeaderSize, maxTlvSize,
                maxPending, secureFromSslTlv, localAddressFromHeader);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ProxyProtocolConfig{");
        for (ConfigKey k : ConfigKey.values()) {
            sb.append(k.ordinal() == 0 ? "" : ", ").append(k.key()).append('=').append(text(k));
        }
        return sb.append('}').toString();
    }

    /** Builds a {@link ProxyProtocolConfig}; {@link #build()} checks the combination. */
    public static final class Builder {
        private ProxyProtocolMode mode = ProxyProtocolMode.REQUIRED;
        private TrustedProxies trustedProxies = TrustedProxies.all();
        private UntrustedAction untrustedAction = UntrustedAction.REJECT;
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private int maxHeaderSize = ProxyHeaderDecoder.DEFAULT_MAX_HEADER_SIZE;
        private int maxTlvSize = ProxyHeaderDecoder.DEFAULT_MAX_TLV_SIZE;
        private int maxPending = DEFAULT_MAX_PENDING;
        private boolean secureFromSslTlv = true;
        private boolean localAddressFromHeader = true;

        private Builder() {
        }

        /** @param mode {@link ConfigKey#MODE} @return this */
        public Builder mode(ProxyProtocolMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** @param trustedProxies {@link ConfigKey#TRUSTED_PROXIES} @return this */
        public Builder trustedProxies(TrustedProxies trustedProxies) {
            this.trustedProxies = Objects.requireNonNull(trustedProxies, "trustedProxies");
            return this;
        }

        /** @param list {@link ConfigKey#TRUSTED_PROXIES}, comma-separated @return this */
        public Builder trustedProxies(String list) {
            return trustedProxies(TrustedProxies.parse(list));
        }

        /** @param action {@link ConfigKey#UNTRUSTED_ACTION} @return this */
        public Builder untrustedAction(UntrustedAction action) {
            this.untrustedAction = Objects.requireNonNull(action, "untrustedAction");
            return this;
        }

        /** @param timeout {@link ConfigKey#HEADER_TIMEOUT}, positive @return this */
        public Builder headerTimeout(Duration timeout) {
            this.headerTimeout = Objects.requireNonNull(timeout, "headerTimeout");
            return this;
        }

        /** @param size {@link ConfigKey#MAX_HEADER_SIZE}, 0 to 65535 @return this */
        public Builder maxHeaderSize(int size) {
            this.maxHeaderSize = size;
            return this;
        }

        /** @param size {@link ConfigKey#MAX_TLV_SIZE}, 0 to 65535 @return this */
        public Builder maxTlvSize(int size) {
            this.maxTlvSize = size;
            return this;
        }

        /** @param max {@link ConfigKey#MAX_PENDING}, at least 1 @return this */
        public Builder maxPending(int max) {
            this.maxPending = max;
            return this;
        }

        /** @param secure {@link ConfigKey#SECURE_FROM_SSL_TLV} @return this */
        public Builder secureFromSslTlv(boolean secure) {
            this.secureFromSslTlv = secure;
            return this;
        }

        /** @param local {@link ConfigKey#LOCAL_ADDRESS_FROM_HEADER} @return this */
        public Builder localAddressFromHeader(boolean local) {
            this.localAddressFromHeader = local;
            return this;
        }

        /**
         * Sets one setting from its text.
         *
         * @param key the setting
         * @param value the text: {@code required}, {@code 10.0.0.0/8,::1}, {@code true}, {@code 1024}, or a duration
         * @param millis whether a duration is plain milliseconds (Tomcat attributes, Jetty properties) rather than
         *        text like {@code 5s} or {@code 500ms} (Boot properties, sample flags)
         * @return this
         * @throws IllegalArgumentException naming the setting when the value does not parse
         */
        public Builder set(ConfigKey key, String value, boolean millis) {
            Objects.requireNonNull(value, key.key());
            switch (key) {
                case MODE:
                    return mode(ConfigValues.enumValue(key, ProxyProtocolMode.class, value));
                case TRUSTED_PROXIES:
                    return trustedProxies(value);
                case UNTRUSTED_ACTION:
                    return untrustedAction(ConfigValues.enumValue(key, UntrustedAction.class, value));
                case HEADER_TIMEOUT:
                    try {
                        return headerTimeout(millis ? ConfigValues.millis(value) : ConfigValues.duration(value));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(key.key() + ": " + e.getMessage(), e);
                    }
                case MAX_HEADER_SIZE:
                    return maxHeaderSize(ConfigValues.integer(key, value));
                case MAX_TLV_SIZE:
                    return maxTlvSize(ConfigValues.integer(key, value));
                case MAX_PENDING:
                    return maxPending(ConfigValues.integer(key, value));
                case SECURE_FROM_SSL_TLV:
                    return secureFromSslTlv(ConfigValues.bool(key, value));
                default:
                    return localAddressFromHeader(ConfigValues.bool(key, value));
            }
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException if a value is out of range, or mode is mixed without trusted proxies
         */
        public ProxyProtocolConfig build() {
            if (mode == ProxyProtocolMode.MIXED && trustedProxies.trustsAll()) {
                throw new IllegalArgumentException("mode=mixed needs trusted-proxies: without a list every peer "
                        + "would be trusted, and nobody could connect directly");
            }
            if (headerTimeout.isNegative() || headerTimeout.isZero()) {
                throw new IllegalArgumentException("header-timeout must be positive: " + headerTimeout);
            }
            if (maxHeaderSize < 0 || maxHeaderSize > ProxyHeaderDecoder.MAX_HEADER_SIZE_LIMIT) {
                throw new IllegalArgumentException("max-header-size must be 0..65535: " + maxHeaderSize);
            }
            if (maxTlvSize < 0 || maxTlvSize > ProxyHeaderDecoder.MAX_HEADER_SIZE_LIMIT) {
                throw new IllegalArgumentException("max-tlv-size must be 0..65535: " + maxTlvSize);
            }
            if (maxPending < 1) {
                throw new IllegalArgumentException("max-pending must be at least 1: " + maxPending);
            }
            return new ProxyProtocolConfig(this);
        }
    }
}

package io.github.proxyproto4j.core;

import java.util.Locale;

/**
 * The settings of {@link ProxyProtocolConfig}, with the one name each has in every place it can be set.
 * Adapters take their names from here, never spell their own.
 */
public enum ConfigKey {
    /** {@code required} or {@code mixed}. */
    MODE("mode", "`required` / `mixed`", "required"),
    /** CIDR blocks and addresses, comma-separated. */
    TRUSTED_PROXIES("trusted-proxies", "CIDRs or addresses", "empty = trust all (WARN once)"),
    /** {@code reject} or {@code ignore}. */
    UNTRUSTED_ACTION("untrusted-action", "`reject` / `ignore`", "reject"),
    /** Absolute, counted from accept. */
    HEADER_TIMEOUT("header-timeout", "from accept, absolute", "5 s"),
    /** Cap on the v2 length field. */
    MAX_HEADER_SIZE("max-header-size", "v2 length cap, ≤ 65535", "1024"),
    /** Cap on one TLV value. */
    MAX_TLV_SIZE("max-tlv-size", "one TLV value", "1024"),
    /** Connections waiting for their header at once. */
    MAX_PENDING("max-pending", "connections waiting for a header; beyond it, close at once", "1024"),
    /** SSL TLV client bit makes the request secure. */
    SECURE_FROM_SSL_TLV("secure-from-ssl-tlv", "SSL TLV client bit → `isSecure()`, https", "true"),
    /** The header's destination becomes the local address. */
    LOCAL_ADDRESS_FROM_HEADER("local-address-from-header", "the destination becomes `getLocalAddr()/Port()`",
            "true");

    /** Prefix of the Spring Boot properties. */
    public static final String SPRING_BOOT_PREFIX = "proxy-protocol.";
    /** Prefix of the Jetty module properties. */
    public static final String JETTY_PREFIX = "jetty.proxyproto4j.";

    private final String key;
    private final String meaning;
    private final String defaultText;

    ConfigKey(String key, String meaning, String defaultText) {
        this.key = key;
        this.meaning = meaning;
        this.defaultText = defaultText;
    }

    /** @return the canonical kebab-case key, e.g. {@code header-timeout} */
    public String key() {
        return key;
    }

    /** @return what the setting means, for tables */
    public String meaning() {
        return meaning;
    }

    /** @return the default, as documentation text */
    public String defaultText() {
        return defaultText;
    }

    /** @return whether the value is a duration: text like {@code 5s} for Boot and flags, milliseconds elsewhere */
    public boolean isDuration() {
        return this == HEADER_TIMEOUT;
    }

    /** @return e.g. {@code proxy-protocol.header-timeout} */
    public String springBootProperty() {
        return SPRING_BOOT_PREFIX + key;
    }

    /** @return e.g. {@code proxyProtocolHeaderTimeout} (milliseconds for durations) */
    public String tomcatAttribute() {
        return "proxyProtocol" + pascal();
    }

    /** @return e.g. {@code jetty.proxyproto4j.headerTimeout} (milliseconds for durations) */
    public String jettyProperty() {
        String p = pascal();
        return JETTY_PREFIX + p.substring(0, 1).toLowerCase(Locale.ROOT) + p.substring(1);
    }

    /** @return e.g. {@code --proxy-protocol.header-timeout} */
    public String sampleFlag() {
        return "--" + springBootProperty();
    }

    /**
     * Finds a key by any of its names.
     *
     * @param name a canonical key, Boot property, Tomcat attribute, Jetty property or sample flag
     * @return the key
     * @throws IllegalArgumentException if no key has that name
     */
    public static ConfigKey byName(String name) {
        for (ConfigKey k : values()) {
            if (name.equals(k.key) || name.equals(k.springBootProperty()) || name.equals(k.tomcatAttribute())
                    || name.equals(k.jettyProperty()) || name.equals(k.sampleFlag())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown PROXY protocol setting: " + name);
    }

    private String pascal() {
        StringBuilder sb = new StringBuilder();
        for (String part : key.split("-")) {
            sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return sb.toString();
    }
}

package io.github.proxyproto4j.spring.boot;

/** An invalid {@code proxy-protocol.*} setting, reported at start-up by {@link ProxyProtocolFailureAnalyzer}. */
public class ProxyProtocolConfigurationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String property;

    /**
     * @param property the property at fault, e.g. {@code proxy-protocol.trusted-proxies[1]}
     * @param message what is wrong with it
     * @param cause the underlying error, or null
     */
    public ProxyProtocolConfigurationException(String property, String message, Throwable cause) {
        super(message, cause);
        this.property = property;
    }

    /** @return the property at fault */
    public String property() {
        return property;
    }
}

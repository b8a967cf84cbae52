package io.github.proxyproto4j.interop.matrix;

/**
 * What travels after the PROXY header, and who terminates the client's TLS. A receiver port speaks one of four
 * things ({@link AppPort}); the two "TLS by sender" transports reach a plaintext port, with the TLS described in the
 * header's SSL TLV.
 */
enum Transport {
    HTTP1("http/1.1", AppPort.PLAIN_HTTP1, "HTTP/1.1", "http"),
    H2C("h2c (prior knowledge)", AppPort.PLAIN_H2C, "HTTP/2.0", "http"),
    TLS_BY_APP_HTTP1("TLS by app, http/1.1", AppPort.TLS_HTTP1, "HTTP/1.1", "https"),
    TLS_BY_APP_H2("TLS by app, h2 (ALPN)", AppPort.TLS_H2, "HTTP/2.0", "https"),
    TLS_BY_SENDER_HTTP1("TLS by sender, http/1.1", AppPort.PLAIN_HTTP1, "HTTP/1.1", "https"),
    TLS_BY_SENDER_H2("TLS by sender, h2 (ALPN) → h2c", AppPort.PLAIN_H2C, "HTTP/2.0", "https");

    /** What the receiver's PROXY port must speak. */
    enum AppPort {
        PLAIN_HTTP1, PLAIN_H2C, TLS_HTTP1, TLS_H2;

        boolean tls() {
            return this == TLS_HTTP1 || this == TLS_H2;
        }
    }

    private final String label;
    private final AppPort appPort;
    private final String requestVersion;
    private final String scheme;

    Transport(String label, AppPort appPort, String requestVersion, String scheme) {
        this.label = label;
        this.appPort = appPort;
        this.requestVersion = requestVersion;
        this.scheme = scheme;
    }

    String label() {
        return label;
    }

    AppPort appPort() {
        return appPort;
    }

    /** @return the echo's {@code request_version} */
    String requestVersion() {
        return requestVersion;
    }

    /** @return the echo's {@code request_scheme} */
    String scheme() {
        return scheme;
    }

    @Override
    public String toString() {
        return label;
    }
}

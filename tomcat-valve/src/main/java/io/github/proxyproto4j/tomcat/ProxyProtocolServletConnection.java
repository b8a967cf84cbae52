package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.ConnectionHandshake;
import io.github.proxyproto4j.core.ProxyHeader;
import jakarta.servlet.ServletConnection;

/**
 * The {@link ServletConnection} of a PROXY protocol connection: Tomcat's own, plus the finished handshake.
 * {@code request.getServletConnection()} returns it, so a Valve or the app can reach the header.
 */
public final class ProxyProtocolServletConnection implements ServletConnection {
    private final ServletConnection delegate;
    private final ConnectionHandshake handshake;

    ProxyProtocolServletConnection(ServletConnection delegate, ConnectionHandshake handshake) {
        this.delegate = delegate;
        this.handshake = handshake;
    }

    /** @return the connection's finished handshake (outcome, header, peer) */
    public ConnectionHandshake handshake() {
        return handshake;
    }

    /** @return the header that was read, applied or not, or null */
    public ProxyHeader header() {
        return handshake == null ? null : handshake.header();
    }

    @Override
    public String getConnectionId() {
        return delegate.getConnectionId();
    }

    @Override
    public String getProtocol() {
        return delegate.getProtocol();
    }

    @Override
    public String getProtocolConnectionId() {
        return delegate.getProtocolConnectionId();
    }

    @Override
    public boolean isSecure() {
        return delegate.isSecure();
    }
}

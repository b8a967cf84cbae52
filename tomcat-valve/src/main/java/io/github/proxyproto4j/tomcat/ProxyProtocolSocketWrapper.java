package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.ConnectionHandshake;
import jakarta.servlet.ServletConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;

/**
 * The one place an applied header sets the client: the socket wrapper's remote (and local) address and port.
 * The servlet API, the access log, RemoteCIDRValve, RemoteIpValve's input, HTTP/2 streams and WebSocket all
 * read them from here.
 */
final class ProxyProtocolSocketWrapper extends NioEndpoint.NioSocketWrapper {
    private volatile ConnectionHandshake handshake;
    private volatile InetSocketAddress remote;
    private volatile InetSocketAddress local;
    private ServletConnection servletConnection;

    ProxyProtocolSocketWrapper(NioChannel channel, ProxyProtocolNioEndpoint endpoint) {
        super(channel, endpoint);
    }

    /** Called once, on the worker thread, when the outcome is decided and the connection goes on. */
    void onHandshakeDone(ConnectionHandshake h) {
        handshake = h;
        if (h.applied()) {
            remote = inet(h.remoteAddress(null));
            local = inet(h.localAddress(null));
            if (remote != null) {
                remoteAddr = remote.getAddress().getHostAddress();
                remotePort = remote.getPort();
                remoteHost = null; // resolved lazily, and only if Tomcat's enableLookups asks
            }
            if (local != null) {
                localAddr = local.getAddress().getHostAddress();
                localPort = local.getPort();
                localName = null;
            }
        }
        // The header is in: from here on, the connection timeout applies as usual.
        setReadTimeout(getEndpoint().getConnectionTimeout());
        updateLastRead();
    }

    /** @return the finished handshake, or null while the header is awaited */
    ConnectionHandshake handshake() {
        return handshake;
    }

    private static InetSocketAddress inet(SocketAddress a) {
        return a instanceof InetSocketAddress isa && isa.getAddress() != null ? isa : null;
    }

    @Override
    protected void populateRemoteAddr() {
        InetSocketAddress r = remote;
        if (r != null) {
            remoteAddr = r.getAddress().getHostAddress();
        } else {
            super.populateRemoteAddr();
        }
    }

    @Override
    protected void populateRemoteHost() {
        InetSocketAddress r = remote;
        if (r != null) {
            remoteHost = r.getAddress().getHostName(); // reverse DNS, only when enableLookups is on
        } else {
            super.populateRemoteHost();
        }
    }

    @Override
    protected void populateRemotePort() {
        InetSocketAddress r = remote;
        if (r != null) {
            remotePort = r.getPort();
        } else {
            super.populateRemotePort();
        }
    }

    @Override
    protected void populateLocalAddr() {
        InetSocketAddress l = local;
        if (l != null) {
            localAddr = l.getAddress().getHostAddress();
        } else {
            super.populateLocalAddr();
        }
    }

    @Override
    protected void populateLocalName() {
        InetSocketAddress l = local;
        if (l != null) {
            localName = l.getAddress().getHostAddress(); // no DNS for the local name
        } else {
            super.populateLocalName();
        }
    }

    @Override
    protected void populateLocalPort() {
        InetSocketAddress l = local;
        if (l != null) {
            localPort = l.getPort();
        } else {
            super.populateLocalPort();
        }
    }

    /** The servlet connection also carries the handshake, for {@link ProxyProtocolValve} and the app. */
    @Override
    public ServletConnection getServletConnection(String protocol, String protocolConnectionId) {
        if (servletConnection == null) {
            servletConnection = new ProxyProtocolServletConnection(
                    super.getServletConnection(protocol, protocolConnectionId), handshake);
        }
        return servletConnection;
    }
}

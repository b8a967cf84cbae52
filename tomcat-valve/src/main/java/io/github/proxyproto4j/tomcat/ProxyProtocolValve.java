package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.ConnectionHandshake;
import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyProtocolAttributes;
import jakarta.servlet.ServletConnection;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Per-request facts of a PROXY connection: the {@link ProxyProtocolAttributes} and, when the applied header's
 * SSL TLV says the client used TLS (and {@code secure-from-ssl-tlv} is on), {@code isSecure()}, scheme https
 * and the header's destination port as server port. They are facts of the connection, so they are not
 * restored after the request. Addresses need no Valve: the connector already set them.
 */
public class ProxyProtocolValve extends ValveBase {

    /** An asynchronous-capable Valve. */
    public ProxyProtocolValve() {
        super(true);
    }

    @Override
    protected void startInternal() throws LifecycleException {
        Service service = getContainer() == null ? null : findService();
        // A Service with no connectors yet (Spring Boot adds them after the engine starts) cannot be judged.
        Connector[] connectors = service == null ? new Connector[0] : service.findConnectors();
        if (connectors.length > 0 && !hasProxyProtocolConnector(connectors)) {
            throw new LifecycleException("ProxyProtocolValve needs a Connector with protocol=\""
                    + ProxyProtocolHttp11NioProtocol.class.getName() + "\" in its Service; NIO2 and other "
                    + "protocols cannot read a PROXY header");
        }
        super.startInternal();
    }

    private Service findService() {
        org.apache.catalina.Container c = getContainer();
        while (c != null && !(c instanceof org.apache.catalina.Engine)) {
            c = c.getParent();
        }
        return c instanceof org.apache.catalina.Engine e ? e.getService() : null;
    }

    private static boolean hasProxyProtocolConnector(Connector[] connectors) {
        for (Connector c : connectors) {
            if (c.getProtocolHandler() instanceof ProxyProtocolHttp11NioProtocol) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        ServletConnection connection = request.getServletConnection();
        if (connection instanceof ProxyProtocolServletConnection pc && pc.handshake() != null) {
            ConnectionHandshake handshake = pc.handshake();
            for (Map.Entry<String, Object> a : ProxyProtocolAttributes.of(handshake).entrySet()) {
                request.setAttribute(a.getKey(), a.getValue());
            }
            if (handshake.secure()) {
                request.setSecure(true);
                request.getCoyoteRequest().scheme().setString("https");
                ProxyHeader header = handshake.header();
                int port = header.destinationAddress() instanceof InetSocketAddress d ? d.getPort() : 443;
                request.setServerPort(port);
            }
        }
        getNext().invoke(request, response);
    }
}

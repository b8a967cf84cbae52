package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.ForwardedHeaders;
import io.github.proxyproto4j.core.TrustedProxies;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.tomcat.util.http.MimeHeaders;

/**
 * Removes forwarded headers ({@code X-Forwarded-*}, {@code Forwarded}) from requests of PROXY connections
 * unless the PROXY-derived client is a trusted forwarder. Put it before {@code RemoteIpValve}, whose default
 * internal proxies (10/8, 127/8, 192.168/16, …) would otherwise believe a client behind the load balancer.
 */
public class ForwardedHeadersGuardValve extends ValveBase {
    private volatile TrustedProxies forwarders;

    /** A guard that honours no forwarded headers on PROXY connections. */
    public ForwardedHeadersGuardValve() {
        this(null);
    }

    /**
     * @param forwarders PROXY clients allowed to add forwarded headers, or null for none
     */
    public ForwardedHeadersGuardValve(TrustedProxies forwarders) {
        super(true);
        this.forwarders = forwarders;
    }

    /** @param list PROXY clients allowed to add forwarded headers, comma-separated (server.xml attribute) */
    public void setForwardedTrustedProxies(String list) {
        this.forwarders = list == null || list.isBlank() ? null : TrustedProxies.parse(list);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getServletConnection() instanceof ProxyProtocolServletConnection pc && pc.handshake() != null
                && !honoured(pc, request)) {
            MimeHeaders headers = request.getCoyoteRequest().getMimeHeaders();
            for (String name : ForwardedHeaders.NAMES) {
                headers.removeHeader(name);
            }
        }
        getNext().invoke(request, response);
    }

    private boolean honoured(ProxyProtocolServletConnection pc, Request request) {
        TrustedProxies f = forwarders;
        if (f == null || f.trustsAll()) {
            return false;
        }
        // The wrapper already holds the PROXY-derived client: what getRemoteAddr() says before RemoteIpValve.
        try {
            InetAddress client = InetAddress.getByName(literal(request.getRemoteAddr()));
            return f.isTrusted(new InetSocketAddress(client, 0));
        } catch (IOException notAnAddress) {
            return false;
        }
    }

    /** getRemoteAddr() is always an IP literal here; refuse anything else so no name is ever resolved. */
    private static String literal(String addr) throws IOException {
        if (addr == null || !addr.matches("[0-9a-fA-F:.]+")) {
            throw new IOException("not an IP literal: " + addr);
        }
        return addr;
    }
}

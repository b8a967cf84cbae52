package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.core.ForwardedHeaders;
import io.github.proxyproto4j.core.TrustedProxies;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Removes forwarded headers ({@code X-Forwarded-*}, {@code Forwarded}) from requests of PROXY connections
 * unless the PROXY-derived client is a trusted forwarder. A mixed-mode direct connection on a PROXY connector is one
 * too, its client being the peer itself (as the Tomcat guard does). Put it before Jetty's {@code ForwardedRequestCustomizer}
 * (which has no trust list), e.g. {@code httpConfig.getCustomizers().add(0, guard)}.
 */
public class ForwardedHeadersGuard implements HttpConfiguration.Customizer {
    private final TrustedProxies forwarders;

    /**
     * @param forwarders PROXY clients allowed to add forwarded headers, or null for none
     */
    public ForwardedHeadersGuard(TrustedProxies forwarders) {
        this.forwarders = forwarders;
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        EndPoint connection = request.getConnectionMetaData().getConnection().getEndPoint();
        ProxyProtocolEndPoint endPoint = ProxyProtocolRequestCustomizer.find(connection);
        if (endPoint == null) {
            // Mixed mode hands an untrusted peer without a header (DIRECT) on unwrapped: on a PROXY connector it is
            // a PROXY connection all the same, whose client is the socket's peer. Other connectors are not ours.
            if (!onProxyConnector(request)
                    || ForwardedHeaders.honoured(connection.getRemoteSocketAddress(), forwarders)) {
                return request;
            }
        } else if (ForwardedHeaders.honoured(endPoint.handshake(), endPoint.unwrap().getRemoteSocketAddress(),
                forwarders)) {
            return request;
        }
        HttpFields headers = request.getHeaders();
        boolean any = false;
        for (HttpField f : headers) {
            if (ForwardedHeaders.isForwardingHeader(f.getName())) {
                any = true;
                break;
            }
        }
        if (!any) {
            return request;
        }
        HttpFields.Mutable kept = HttpFields.build();
        for (HttpField f : headers) {
            if (!ForwardedHeaders.isForwardingHeader(f.getName())) {
                kept.add(f);
            }
        }
        HttpFields filtered = kept.asImmutable();
        return new Request.Wrapper(request) {
            @Override
            public HttpFields getHeaders() {
                return filtered;
            }
        };
    }

    private static boolean onProxyConnector(Request request) {
        Connector connector = request.getConnectionMetaData().getConnector();
        return connector != null && connector.getConnectionFactory(ProxyProtocolConnectionFactory.class) != null;
    }
}

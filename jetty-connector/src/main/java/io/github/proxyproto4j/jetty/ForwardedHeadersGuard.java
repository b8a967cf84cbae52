package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.core.ForwardedHeaders;
import io.github.proxyproto4j.core.TrustedProxies;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Removes forwarded headers ({@code X-Forwarded-*}, {@code Forwarded}) from requests of PROXY connections
 * unless the PROXY-derived client is a trusted forwarder. Put it before Jetty's {@code ForwardedRequestCustomizer}
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
        ProxyProtocolEndPoint endPoint = ProxyProtocolRequestCustomizer.find(
                request.getConnectionMetaData().getConnection().getEndPoint());
        if (endPoint == null || ForwardedHeaders.honoured(endPoint.handshake(),
                endPoint.unwrap().getRemoteSocketAddress(), forwarders)) {
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
}

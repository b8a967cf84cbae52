package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.core.ConnectionHandshake;
import io.github.proxyproto4j.core.ProxyProtocolAttributes;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Gives every request of a PROXY connection its facts: the {@link ProxyProtocolAttributes} and, when the
 * applied header's SSL TLV says the client used TLS (and {@code secure-from-ssl-tlv} is on), {@code isSecure()}
 * and the https scheme. {@link ProxyProtocolConnectionFactory} adds it to its connector by itself.
 */
public class ProxyProtocolRequestCustomizer implements HttpConfiguration.Customizer {

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        ProxyProtocolEndPoint endPoint = find(request.getConnectionMetaData().getConnection().getEndPoint());
        if (endPoint == null) {
            return request;
        }
        ConnectionHandshake handshake = endPoint.handshake();
        for (Map.Entry<String, Object> a : ProxyProtocolAttributes.of(handshake).entrySet()) {
            request.setAttribute(a.getKey(), a.getValue());
        }
        if (handshake.secure() && !request.isSecure()) {
            HttpURI https = HttpURI.build(request.getHttpURI()).scheme(HttpScheme.HTTPS).asImmutable();
            return new Request.Wrapper(request) {
                @Override
                public boolean isSecure() {
                    return true;
                }

                @Override
                public HttpURI getHttpURI() {
                    return https;
                }
            };
        }
        return request;
    }

    /** Our endpoint, wherever it sits under TLS or other wrappers. */
    static ProxyProtocolEndPoint find(EndPoint endPoint) {
        EndPoint e = endPoint;
        while (e != null) {
            if (e instanceof ProxyProtocolEndPoint p) {
                return p;
            }
            e = e instanceof EndPoint.Wrapper w ? w.unwrap() : null;
        }
        return null;
    }
}

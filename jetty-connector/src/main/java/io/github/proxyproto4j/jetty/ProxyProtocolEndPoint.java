package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.core.ConnectionHandshake;
import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.SslInfo;
import io.github.proxyproto4j.core.Tlv;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ProxyConnectionFactory;

/**
 * The endpoint the next protocol sees once a header was read: the decided remote and local addresses, and
 * the handshake for per-request facts. It extends Jetty's own {@code ProxyEndPoint}, so code that checks
 * for that (Jetty's {@code ProxyCustomizer}, {@code getTLV}) keeps working.
 */
public class ProxyProtocolEndPoint extends ProxyConnectionFactory.ProxyEndPoint {
    private final ConnectionHandshake handshake;

    ProxyProtocolEndPoint(EndPoint endPoint, ConnectionHandshake handshake) {
        super(endPoint, handshake.localAddress(endPoint.getLocalSocketAddress()),
                handshake.remoteAddress(endPoint.getRemoteSocketAddress()), tlvMap(handshake),
                handshake.secure() ? sslSessionData(handshake.header()) : null);
        this.handshake = handshake;
    }

    /** @return the finished handshake: outcome, header, peer */
    public ConnectionHandshake handshake() {
        return handshake;
    }

    /** @return the header that was read, applied or not */
    public ProxyHeader header() {
        return handshake.header();
    }

    /** Jetty's {@code getTLV(type)} view: the first value of each type, SSL sub-TLVs included, as Jetty does. */
    private static Map<Integer, byte[]> tlvMap(ConnectionHandshake handshake) {
        ProxyHeader header = handshake.header();
        if (!handshake.applied() || header == null || header.tlvs().isEmpty()) {
            return null;
        }
        Map<Integer, byte[]> map = new HashMap<>();
        for (Tlv t : header.tlvs()) {
            map.putIfAbsent(t.type(), t.value());
        }
        header.ssl().ifPresent(ssl -> {
            for (Tlv t : ssl.subTlvs()) {
                map.putIfAbsent(t.type(), t.value());
            }
        });
        return map;
    }

    private static SslSessionData sslSessionData(ProxyHeader header) {
        String cipher = header.ssl().flatMap(SslInfo::cipher).orElse(null);
        return SslSessionData.from(null, null, cipher, null);
    }
}

package io.github.proxyproto4j.core;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request-attribute names every adapter uses, and the attributes a connection's header gives.
 * Attributes are set only when the header was applied ({@link Outcome#ACCEPTED}), except {@link #HEADER}
 * and {@link #PROXY_ADDRESS}, which are set whenever a header was read.
 */
public final class ProxyProtocolAttributes {
    private static final String PREFIX = "io.github.proxyproto4j.";

    /** The {@link ProxyHeader} itself. */
    public static final String HEADER = PREFIX + "header";
    /** The real peer (the proxy or load balancer) as an IP literal, or a Unix socket path: a {@link String}. */
    public static final String PROXY_ADDRESS = PREFIX + "proxy.address";
    /** The real peer's port: an {@link Integer}; absent for a Unix-domain peer. */
    public static final String PROXY_PORT = PREFIX + "proxy.port";
    /** TLV 0x01, the ALPN the client negotiated with the proxy: a {@link String}. */
    public static final String ALPN = PREFIX + "tlv.alpn";
    /** TLV 0x02, the SNI host name the client asked the proxy for: a {@link String}. */
    public static final String AUTHORITY = PREFIX + "tlv.authority";
    /** TLV 0x05, the proxy's connection id: lower-case hex {@link String}. */
    public static final String UNIQUE_ID = PREFIX + "tlv.unique-id";
    /** TLV 0x20, the client's TLS facts: an {@link SslInfo}. */
    public static final String SSL = PREFIX + "tlv.ssl";
    /** TLV 0x20 sub-TLV 0x22, the client certificate's common name: a {@link String}. */
    public static final String SSL_CLIENT_CN = PREFIX + "tlv.ssl.cn";
    /** TLV 0x30, the network namespace: a {@link String}. */
    public static final String NETNS = PREFIX + "tlv.netns";
    /** TLV 0xEA subtype 0x01, the AWS VPC endpoint id: a {@link String}. */
    public static final String AWS_VPC_ENDPOINT_ID = PREFIX + "tlv.aws.vpce-id";
    /** TLV 0xEE subtype 0x01, the Azure Private Link LINKID: a {@link Long}. */
    public static final String AZURE_PRIVATE_LINK_ID = PREFIX + "tlv.azure.link-id";
    /** TLV 0xE0, the GCP Private Service Connect connection id: a {@link Long}. */
    public static final String GCP_PSC_CONNECTION_ID = PREFIX + "tlv.gcp.psc-connection-id";

    private ProxyProtocolAttributes() {
    }

    /**
     * The attributes to set on every request of a connection whose handshake is done.
     *
     * @param handshake a finished handshake
     * @return attribute name to value, in a stable order; empty when no header was read
     */
    public static Map<String, Object> of(ConnectionHandshake handshake) {
        Map<String, Object> out = new LinkedHashMap<>();
        ProxyHeader h = handshake.header();
        if (h == null) {
            return out;
        }
        out.put(HEADER, h);
        SocketAddress peer = handshake.peer();
        if (peer instanceof InetSocketAddress isa) {
            out.put(PROXY_ADDRESS, isa.getAddress() != null ? isa.getAddress().getHostAddress() : isa.getHostString());
            out.put(PROXY_PORT, isa.getPort());
        } else if (peer instanceof UnixDomainSocketAddress uds) {
            out.put(PROXY_ADDRESS, uds.getPath().toString());
        }
        if (!handshake.applied()) {
            return out;
        }
        h.alpn().ifPresent(v -> out.put(ALPN, v));
        h.authority().ifPresent(v -> out.put(AUTHORITY, v));
        h.uniqueId().ifPresent(v -> out.put(UNIQUE_ID, HexFormat.of().formatHex(v)));
        h.ssl().ifPresent(ssl -> {
            out.put(SSL, ssl);
            ssl.commonName().ifPresent(cn -> out.put(SSL_CLIENT_CN, cn));
        });
        h.netns().ifPresent(v -> out.put(NETNS, v));
        h.awsVpcEndpointId().ifPresent(v -> out.put(AWS_VPC_ENDPOINT_ID, v));
        h.azurePrivateLinkId().ifPresent(v -> out.put(AZURE_PRIVATE_LINK_ID, v));
        h.gcpPscConnectionId().ifPresent(v -> out.put(GCP_PSC_CONNECTION_ID, v));
        return out;
    }
}

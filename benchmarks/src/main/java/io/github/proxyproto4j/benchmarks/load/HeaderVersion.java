package io.github.proxyproto4j.benchmarks.load;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import java.net.InetSocketAddress;

/** The PROXY header the client sends on the PROXY ports: v2 binary (the default) or v1 text, TCP over IPv4. */
enum HeaderVersion {
    /** {@code PROXY TCP4 203.0.113.7 127.0.0.1 40000 <port>\r\n}. */
    V1,
    /** The 28-byte binary header: signature, PROXY command, TCP over IPv4, no TLV. */
    V2;

    /** The client the header announces; the servers answer with it when they applied the header. */
    static final String CLIENT = "203.0.113.7";

    /**
     * @param serverPort the port the header says the client connected to
     * @return the header's bytes, made by proxy-core's encoder
     */
    byte[] encode(int serverPort) {
        ProxyHeader header = ProxyHeader.builder()
                .version(this == V1 ? 1 : 2)
                .addresses(new InetSocketAddress(CLIENT, 40000), new InetSocketAddress("127.0.0.1", serverPort))
                .build();
        return this == V1 ? ProxyHeaderEncoder.encodeV1(header) : ProxyHeaderEncoder.encodeV2(header, false);
    }

    static HeaderVersion of(String id) {
        return valueOf(id.trim().toUpperCase(java.util.Locale.ROOT));
    }
}

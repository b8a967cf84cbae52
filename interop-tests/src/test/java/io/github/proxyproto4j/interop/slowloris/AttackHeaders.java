package io.github.proxyproto4j.interop.slowloris;

import io.github.proxyproto4j.core.AddressFamily;
import io.github.proxyproto4j.core.Command;
import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.TransportProtocol;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the attackers trickle: whole, valid v1 and v2 headers, so that a connection the timeout failed to close
 * would end up ACCEPTED and show in the counters, rather than look like a rejection.
 */
final class AttackHeaders {
    private AttackHeaders() {
    }

    /** @return a v1 line and a v2 header (with a CRC32C TLV), both claiming 203.0.113.7 */
    static List<byte[]> both() {
        byte[] v1 = "PROXY TCP4 203.0.113.7 127.0.0.1 51234 80\r\n".getBytes(StandardCharsets.US_ASCII);
        ProxyHeader h = ProxyHeader.builder()
                .version(2)
                .command(Command.PROXY)
                .family(AddressFamily.INET)
                .transport(TransportProtocol.STREAM)
                .addresses(new InetSocketAddress("203.0.113.7", 51234), new InetSocketAddress("127.0.0.1", 80))
                .build();
        return List.of(v1, ProxyHeaderEncoder.encodeV2(h, true));
    }
}

package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.testsupport.Digest;
import static io.github.proxyproto4j.jetty.RawClient.BALANCER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No decoder state is shared between connections: many connections at once, each trickling a different header (v1,
 * v2 IPv4 with a TLV, v2 IPv6, of different lengths) one byte at a time, interleaved byte by byte across all of
 * them, and every request sees its own header's client.
 */
class ConcurrentTrickleTest {
    static final int CONNECTIONS = 40;

    private JettyFixture jetty;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    /** Connection {@code k}'s client: a different address and port for each. */
    static InetSocketAddress client(int k) {
        return k % 3 == 2 ? new InetSocketAddress("2001:db8::" + Integer.toHexString(k + 1), 30000 + k)
                : new InetSocketAddress("10." + (k % 3) + "." + k + ".7", 30000 + k);
    }

    static byte[] header(int k) {
        InetSocketAddress client = client(k);
        if (k % 3 == 0) {
            return ("PROXY TCP4 " + client.getAddress().getHostAddress() + " 192.0.2.10 " + client.getPort()
                    + " 9080\r\n").getBytes(StandardCharsets.US_ASCII);
        }
        InetSocketAddress destination = k % 3 == 2 ? new InetSocketAddress("2001:db8::1", 9080)
                : new InetSocketAddress("192.0.2.10", 9080);
        ProxyHeader.Builder b = ProxyHeader.builder().addresses(client, destination);
        if (k % 3 == 1) {
            b.authority("host-" + k + ".example" + "x".repeat(k)); // lengths differ from one connection to the next
        }
        return ProxyHeaderEncoder.encodeV2(b.build(), k % 2 == 0);
    }

    @Test
    void interleavedTricklingConnectionsEachSeeTheirOwnClient() throws Exception {
        jetty = new JettyFixture(new ProxyProtocolConnectionFactory(
                ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32").build()),
                server -> server.setHandler(new DigestHandler()));
        List<RawClient> clients = new ArrayList<>();
        List<byte[]> headers = new ArrayList<>();
        int longest = 0;
        try {
            for (int k = 0; k < CONNECTIONS; k++) {
                clients.add(new RawClient(jetty.port()));
                headers.add(header(k));
                longest = Math.max(longest, headers.get(k).length);
            }
            for (int i = 0; i < longest; i++) { // byte i of every header, then byte i + 1 of every header, ...
                for (int k = 0; k < CONNECTIONS; k++) {
                    if (i < headers.get(k).length) {
                        clients.get(k).write(new byte[] {headers.get(k)[i]});
                    }
                }
                Thread.sleep(1);
            }
            assertEquals(0, jetty.proxy.getRejected(), jetty.proxy.getCounters().toString());
            for (int k = 0; k < CONNECTIONS; k++) {
                clients.get(k).write("GET /d/" + k + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
            }
            for (int k = 0; k < CONNECTIONS; k++) {
                String r = clients.get(k).readResponse();
                assertTrue(r.startsWith("HTTP/1.1 200 "), r);
                var d = Digest.parse(r.substring(r.indexOf("\r\n\r\n") + 4));
                assertEquals("/d/" + k, d.get("path"), r);
                assertEquals(client(k), Digest.address(d.get("remote")), "connection " + k + ": " + r);
            }
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }
        assertEquals(CONNECTIONS, jetty.proxy.getAccepted(), jetty.proxy.getCounters().toString());
        assertEquals(0, jetty.proxy.getPending());
    }
}

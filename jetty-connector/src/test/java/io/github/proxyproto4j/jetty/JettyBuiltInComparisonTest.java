package io.github.proxyproto4j.jetty;

import static io.github.proxyproto4j.jetty.RawClient.BALANCER_IP;
import static io.github.proxyproto4j.jetty.RawClient.STRANGER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same inputs against Jetty 12.1's built-in {@link ProxyConnectionFactory} and ours, both on [proxy, http/1.1],
 * both reached from the trusted balancer address unless the row says otherwise. Each row asserts what each
 * factory does, so that a Jetty upgrade that changes its behaviour shows up here (and in the README's table):
 * "closed" is a close without a byte of response, "socket" the socket's own address, otherwise the status and
 * the remote address the application saw.
 */
class JettyBuiltInComparisonTest {
    static final String SPOOF = "200 127.0.0.42:40000";
    static final String GET = ProxyProtocolConnectionFactoryTest.GET;
    static Server builtIn;
    static ServerConnector builtInConnector;
    static JettyFixture ours;

    @BeforeAll
    static void start() throws Exception {
        builtIn = new Server();
        builtInConnector = new ServerConnector(builtIn, new ProxyConnectionFactory(), new HttpConnectionFactory());
        builtInConnector.setHost("127.0.0.1");
        builtInConnector.setPort(0);
        builtIn.addConnector(builtInConnector);
        builtIn.setHandler(new EchoHandler());
        builtIn.start();
        ours = new JettyFixture(ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32").build());
    }

    @AfterAll
    static void stop() throws Exception {
        builtIn.stop();
        ours.close();
    }

    static byte[] cat(byte[] a, String b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(a);
        o.writeBytes(b.getBytes(StandardCharsets.ISO_8859_1));
        return o.toByteArray();
    }

    static byte[] v2(boolean crc) {
        return ProxyHeaderEncoder.encodeV2(ProxyHeader.builder()
                .addresses(new InetSocketAddress("127.0.0.42", 40000), new InetSocketAddress("192.0.2.10", 9080))
                .build(), crc);
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        String v1 = "PROXY TCP4 127.0.0.42 192.0.2.10 40000 9080\r\n";
        out.add(Arguments.of("no header", BALANCER_IP, GET.getBytes(StandardCharsets.ISO_8859_1),
                "200 socket", "closed"));
        out.add(Arguments.of("v1 from an untrusted peer", STRANGER_IP,
                (v1 + GET).getBytes(StandardCharsets.ISO_8859_1), SPOOF, "closed"));
        byte[] cmd = v2(false);
        cmd[12] = 0x2F;
        out.add(Arguments.of("v2 command 0xF (0x2F)", BALANCER_IP, cat(cmd, GET), SPOOF, "closed"));
        byte[] crc = v2(true);
        crc[20] ^= 1;
        out.add(Arguments.of("v2 CRC32C TLV mismatch", BALANCER_IP, cat(crc, GET), SPOOF, "closed"));
        byte[] ver = v2(false);
        ver[12] = 0x11;
        out.add(Arguments.of("v2 version nibble 1", BALANCER_IP, cat(ver, GET), "closed", "closed"));
        byte[] unspec = Arrays.copyOf(v2(false), 16);
        unspec[13] = 0x00;
        unspec[15] = 0;
        out.add(Arguments.of("v2 PROXY UNSPEC, length 0", BALANCER_IP, cat(unspec, GET), "closed", "200 socket"));
        byte[] dgram = v2(false);
        dgram[13] = 0x12;
        out.add(Arguments.of("v2 PROXY INET DGRAM", BALANCER_IP, cat(dgram, GET), "closed", "200 socket"));
        byte[] local = v2(false);
        local[12] = 0x20;
        out.add(Arguments.of("v2 LOCAL", BALANCER_IP, cat(local, GET), "200 socket", "200 socket"));
        byte[] overrun = v2(false);
        byte[] withTlv = new byte[overrun.length + 4];
        System.arraycopy(overrun, 0, withTlv, 0, overrun.length);
        withTlv[15] = (byte) (overrun[15] + 4);
        withTlv[overrun.length] = 0x02;
        withTlv[overrun.length + 1] = 0;
        withTlv[overrun.length + 2] = 10; // claims 10 bytes, 1 inside the header
        withTlv[overrun.length + 3] = 'x';
        out.add(Arguments.of("v2 TLV longer than the header", BALANCER_IP, cat(withTlv, GET), "400", "closed"));
        // length 0, then 12 bytes after the header: Jetty reads its address block from them
        byte[] short0 = Arrays.copyOf(v2(false), 16 + 12);
        short0[15] = 0;
        byte[] beyond = {127, 0, 0, 99, (byte) 192, 0, 2, 10, (byte) 0x9C, 0x40, 0x23, (byte) 0x84};
        System.arraycopy(beyond, 0, short0, 16, 12);
        out.add(Arguments.of("v2 PROXY INET, length 0 < address block", BALANCER_IP, cat(short0, GET),
                "200 127.0.0.99:40000", "closed"));
        String[][] v1Rows = {
            {"PROXY TCP4 127.0.0.42 192.0.2.10 40000 099\r\n", SPOOF},
            {"PROXY TCP4 127.0.0.042 192.0.2.10 40000 9080\r\n", SPOOF},
            {"PROXY TCP6 127.0.0.42 192.0.2.10 40000 9080\r\n", SPOOF},
            {"PROXY TCP4 127.0.0.42 192.0.2.10 +40000 9080\r\n", SPOOF},
            {"PROXY TCP5 127.0.0.42 192.0.2.10 40000 9080\r\n", SPOOF},
            {"PROXY TCP4 ::1 192.0.2.10 40000 9080\r\n", "200 [0:0:0:0:0:0:0:1]:40000"},
            {"PROXY TCP4 localhost 192.0.2.10 40000 9080\r\n", "200 127.0.0.1:40000"}, // resolved by name
            {"PROXY TCP4  127.0.0.42 192.0.2.10 40000 9080\r\n", "closed"},
            {"PROXY TCP4 127.0.0.42 192.0.2.10 40000 9080\n", "closed"},
            {"PROXY TCP4 127.0.0.42 192.0.2.10 70000 9080\r\n", "closed"},
        };
        for (String[] row : v1Rows) {
            out.add(Arguments.of("v1 " + row[0].replace("\r", "\\r").replace("\n", "\\n"), BALANCER_IP,
                    (row[0] + GET).getBytes(StandardCharsets.ISO_8859_1), row[1], "closed"));
        }
        out.add(Arguments.of("v1 PROXY UNKNOWN", BALANCER_IP,
                ("PROXY UNKNOWN\r\n" + GET).getBytes(StandardCharsets.ISO_8859_1), "200 socket", "200 socket"));
        return out.stream();
    }

    /** @return "closed", or the status code and the remote address the handler saw ("socket" for the socket's) */
    static String outcome(String bind, int port, byte[] bytes) throws Exception {
        try (RawClient c = new RawClient(bind, port)) {
            String r = c.write(bytes).readAllText();
            if (r.isEmpty()) {
                return "closed";
            }
            String status = r.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3);
            int i = r.indexOf("remote=");
            if (i < 0) {
                return status;
            }
            String remote = r.substring(i + "remote=".length(), r.indexOf('\n', i));
            return status + " " + (remote.equals(bind + ":" + c.localPort()) ? "socket" : remote);
        }
    }

    @ParameterizedTest(name = "{0}: Jetty {3}, ours {4}")
    @MethodSource("cases")
    void sameInputBothFactories(String name, String bind, byte[] bytes, String jetty, String expectedOurs)
            throws Exception {
        assertEquals(jetty, outcome(bind, builtInConnector.getLocalPort(), bytes), "Jetty's built-in factory");
        assertEquals(expectedOurs, outcome(bind, ours.port(), bytes), "proxyproto4j");
    }
}

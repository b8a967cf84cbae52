package io.github.proxyproto4j.jetty;

import static io.github.proxyproto4j.jetty.RawClient.BALANCER_IP;
import static io.github.proxyproto4j.jetty.RawClient.STRANGER_IP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolMode;
import io.github.proxyproto4j.core.Reason;
import io.github.proxyproto4j.core.SslInfo;
import io.github.proxyproto4j.core.Tlv;
import io.github.proxyproto4j.core.TlvType;
import io.github.proxyproto4j.core.UntrustedAction;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real sockets against the factory on [proxy, http/1.1, h2c]: every decision-table row, every feeding mode. */
class ProxyProtocolConnectionFactoryTest {
    static final String V1 = "PROXY TCP4 127.0.0.42 192.0.2.10 40000 9080\r\n";
    static final String GET = "GET /echo HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";

    private JettyFixture jetty;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    private JettyFixture start(ProxyProtocolConfig.Builder config) throws Exception {
        jetty = new JettyFixture(config.build());
        return jetty;
    }

    private static ProxyProtocolConfig.Builder trustingBalancer() {
        return ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32");
    }

    static byte[] v2(boolean crc) {
        ProxyHeader h = ProxyHeader.builder()
                .addresses(new InetSocketAddress("127.0.0.42", 40000), new InetSocketAddress("192.0.2.10", 9080))
                .alpn("h2").authority("app.example").uniqueId("abc".getBytes(StandardCharsets.US_ASCII))
                .awsVpcEndpointId("vpce-0123").build();
        return ProxyHeaderEncoder.encodeV2(h, crc);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private String roundTrip(byte[] bytes) throws Exception {
        try (RawClient c = new RawClient(jetty.port())) {
            return c.write(bytes).readAllText();
        }
    }

    private void assertClient(String response) {
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("remote=127.0.0.42:40000\n"), response);
        assertTrue(response.contains("local=192.0.2.10:9080\n"), response);
    }

    private void assertRefusedSilently(byte[] bytes, Reason reason) throws Exception {
        byte[] response;
        try (RawClient c = new RawClient(jetty.port())) {
            response = c.write(bytes).readAll();
        }
        assertArrayEquals(new byte[0], response, "a refused connection gets zero response bytes");
        awaitRejected(reason);
    }

    private void awaitRejected(Reason reason) throws InterruptedException {
        for (int i = 0; i < 200 && jetty.proxy.getCounters().rejected(reason) == 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(1, jetty.proxy.getCounters().rejected(reason), jetty.proxy.getCounters().toString());
    }

    @Test
    void v1WholeAppliesTheHeader() throws Exception {
        start(trustingBalancer());
        String r = roundTrip(ascii(V1 + GET));
        assertClient(r);
        assertTrue(r.contains("attr.proxy.address=127.0.0.1\n"), r);
        assertTrue(r.contains("attr.header=ProxyHeader{v1 PROXY INET/STREAM"), r);
        assertEquals(1, jetty.proxy.getCounters().getAccepted());
    }

    @Test
    void v2WithTlvsBecomesAttributes() throws Exception {
        start(trustingBalancer());
        String r = roundTrip(concat(v2(true), ascii(GET)));
        assertClient(r);
        assertTrue(r.contains("attr.tlv.alpn=h2\n"), r);
        assertTrue(r.contains("attr.tlv.authority=app.example\n"), r);
        assertTrue(r.contains("attr.tlv.unique-id=616263\n"), r);
        assertTrue(r.contains("attr.tlv.aws.vpce-id=vpce-0123\n"), r);
        assertTrue(r.contains("secure=false\n"), r);
    }

    @Test
    void everySplitAndByteByByteGivesTheSameResult() throws Exception {
        start(trustingBalancer());
        for (byte[] header : List.of(ascii(V1), v2(true))) {
            byte[] all = concat(header, ascii(GET));
            for (int cut = 1; cut < header.length + 3; cut += 7) {
                try (RawClient c = new RawClient(jetty.port())) {
                    c.write(Arrays.copyOfRange(all, 0, cut));
                    Thread.sleep(5);
                    assertClient(c.write(Arrays.copyOfRange(all, cut, all.length)).readAllText());
                }
            }
            try (RawClient c = new RawClient(jetty.port())) {
                c.trickle(header, 1);
                assertClient(c.write(ascii(GET)).readAllText());
            }
        }
    }

    @Test
    void aPostBodyAndAPipelinedRequestInTheHeadersSegmentStayIntact() throws Exception {
        start(trustingBalancer());
        String post = "POST /p HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\nhello world";
        String second = "GET /second HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
        try (RawClient c = new RawClient(jetty.port())) {
            c.write(concat(v2(false), ascii(post + second)));
            String first = c.readResponse();
            assertTrue(first.contains("body=hello world\n"), first);
            assertTrue(first.contains("remote=127.0.0.42:40000\n"), first);
            String next = c.readAllText();
            assertTrue(next.contains("path=/second\n"), next);
            assertTrue(next.contains("remote=127.0.0.42:40000\n"), "every keep-alive request sees the client: " + next);
        }
    }

    @Test
    void keepAliveRequestsAllSeeTheClient() throws Exception {
        start(trustingBalancer());
        try (RawClient c = new RawClient(jetty.port())) {
            c.write(V1);
            for (int i = 0; i < 5; i++) {
                c.write("GET /n" + i + " HTTP/1.1\r\nHost: test\r\n\r\n");
                String r = c.readResponse();
                assertTrue(r.contains("path=/n" + i + "\n"), r);
                assertTrue(r.contains("remote=127.0.0.42:40000\n"), r);
            }
        }
        assertEquals(1, jetty.proxy.getCounters().getAccepted());
    }

    @Test
    void theLocalAddressStaysTheSocketsWhenConfigured() throws Exception {
        start(trustingBalancer().localAddressFromHeader(false));
        String r = roundTrip(ascii(V1 + GET));
        assertTrue(r.contains("remote=127.0.0.42:40000\n"), r);
        assertTrue(r.contains("local=127.0.0.1:" + jetty.port() + "\n"), r);
    }

    @Test
    void theSslTlvClientBitMakesTheRequestSecure() throws Exception {
        start(trustingBalancer());
        ProxyHeader tls = ProxyHeader.builder()
                .addresses(new InetSocketAddress("127.0.0.42", 40000), new InetSocketAddress("192.0.2.10", 443))
                .ssl(SslInfo.of(SslInfo.CLIENT_SSL | SslInfo.CLIENT_CERT_CONN, 0, List.of(
                        Tlv.of(TlvType.SSL_VERSION, ascii("TLSv1.3")), Tlv.of(TlvType.SSL_CN, ascii("alice")),
                        Tlv.of(TlvType.SSL_CIPHER, ascii("TLS_AES_128_GCM_SHA256"))))).build();
        String r = roundTrip(concat(ProxyHeaderEncoder.encode(tls), ascii(GET)));
        assertTrue(r.contains("secure=true\n"), r);
        assertTrue(r.contains("scheme=https\n"), r);
        assertTrue(r.contains("attr.tlv.ssl.cn=alice\n"), r);
    }

    @Test
    void theSslTlvIsIgnoredForSecurityWhenTurnedOff() throws Exception {
        start(trustingBalancer().secureFromSslTlv(false));
        ProxyHeader tls = ProxyHeader.builder()
                .addresses(new InetSocketAddress("127.0.0.42", 40000), new InetSocketAddress("192.0.2.10", 443))
                .ssl(SslInfo.of(SslInfo.CLIENT_SSL, 0, List.of())).build();
        String r = roundTrip(concat(ProxyHeaderEncoder.encode(tls), ascii(GET)));
        assertTrue(r.contains("secure=false\n"), r);
        assertTrue(r.contains("scheme=http\n"), r);
    }

    @Test
    void aBadCrcIsRefusedSilently() throws Exception {
        start(trustingBalancer());
        byte[] bad = v2(true);
        bad[20] ^= 1; // a byte of the source address
        assertRefusedSilently(concat(bad, ascii(GET)), Reason.CRC_MISMATCH);
    }

    @Test
    void localAndUnknownKeepTheSocketsAddresses() throws Exception {
        start(trustingBalancer());
        String r = roundTrip(ascii("PROXY UNKNOWN\r\n" + GET));
        assertTrue(r.contains("remote=127.0.0.1:"), r);
        assertTrue(r.contains("attr.header=ProxyHeader{v1 PROXY UNSPEC/UNSPEC"), r);
        ProxyHeader local = ProxyHeader.builder().command(io.github.proxyproto4j.core.Command.LOCAL).build();
        String l = roundTrip(concat(ProxyHeaderEncoder.encode(local), ascii(GET)));
        assertTrue(l.contains("remote=127.0.0.1:"), l);
        assertEquals(2, jetty.proxy.getCounters().getLocal());
    }

    @Test
    void requiredTrustedWithoutAHeaderIsRefused() throws Exception {
        start(trustingBalancer());
        assertRefusedSilently(ascii(GET), Reason.NOT_PROXY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "PROXY TCP4 127.0.0.42 192.0.2.10 40000 099\r\n",
        "PROXY TCP4 127.0.0.042 192.0.2.10 40000 9080\r\n",
        "PROXY TCP6 127.0.0.42 192.0.2.10 40000 9080\r\n",
        "PROXY TCP4  127.0.0.42 192.0.2.10 40000 9080\r\n",
        "PROXY TCP4 127.0.0.42 192.0.2.10 40000 9080\n",
        "PROXY TCP5 127.0.0.42 192.0.2.10 40000 9080\r\n",
    })
    void malformedV1IsRefusedSilently(String header) throws Exception {
        start(trustingBalancer());
        byte[] response;
        try (RawClient c = new RawClient(jetty.port())) {
            response = c.write(header + GET).readAll();
        }
        assertArrayEquals(new byte[0], response);
        for (int i = 0; i < 200 && jetty.proxy.getRejected() == 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(1, jetty.proxy.getRejected());
    }

    @Test
    void anUntrustedPeerIsClosedAtAcceptWithoutReading() throws Exception {
        start(trustingBalancer());
        byte[] response;
        try (RawClient c = new RawClient(STRANGER_IP, jetty.port())) {
            response = c.write(ascii(V1 + GET)).readAll();
        }
        assertArrayEquals(new byte[0], response);
        awaitRejected(Reason.UNTRUSTED_PEER);
    }

    @Test
    void anUntrustedPeerUnderIgnoreKeepsItsOwnAddress() throws Exception {
        start(trustingBalancer().untrustedAction(UntrustedAction.IGNORE));
        String r;
        try (RawClient c = new RawClient(STRANGER_IP, jetty.port())) {
            r = c.write(ascii(V1 + GET)).readAllText();
        }
        assertTrue(r.contains("remote=" + STRANGER_IP + ":"), r);
        assertTrue(r.contains("attr.proxy.address=" + STRANGER_IP + "\n"), r);
        assertEquals(1, jetty.proxy.getIgnored());
    }

    @Test
    void anUntrustedPeerUnderIgnoreWithoutAHeaderIsRefused() throws Exception {
        start(trustingBalancer().untrustedAction(UntrustedAction.IGNORE));
        byte[] response;
        try (RawClient c = new RawClient(STRANGER_IP, jetty.port())) {
            response = c.write(GET).readAll();
        }
        assertArrayEquals(new byte[0], response);
        awaitRejected(Reason.NOT_PROXY);
    }

    @Test
    void mixedModeStillRequiresAHeaderFromTheBalancer() throws Exception {
        start(trustingBalancer().mode(ProxyProtocolMode.MIXED));
        assertRefusedSilently(ascii(GET), Reason.NOT_PROXY);
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> malformedV2() {
        byte[] good = v2(false);
        byte[] version = good.clone();
        version[12] = 0x11;
        byte[] command = good.clone();
        command[12] = 0x2F; // Jetty's built-in factory takes 2-15 as PROXY
        byte[] family = good.clone();
        family[13] = 0x41;
        byte[] overrun = good.clone();
        overrun[16 + 12 + 2] = (byte) 0xF0; // the first TLV claims 240 bytes
        byte[] tooShort = good.clone();
        tooShort[14] = 0;
        tooShort[15] = 8;
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(version, Reason.BAD_VERSION),
                org.junit.jupiter.params.provider.Arguments.of(command, Reason.BAD_COMMAND),
                org.junit.jupiter.params.provider.Arguments.of(family, Reason.BAD_FAMILY_TRANSPORT),
                org.junit.jupiter.params.provider.Arguments.of(overrun, Reason.TLV_OVERRUN),
                org.junit.jupiter.params.provider.Arguments.of(tooShort, Reason.LENGTH_TOO_SHORT));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("malformedV2")
    void malformedV2IsRefusedSilently(byte[] header, Reason reason) throws Exception {
        start(trustingBalancer());
        assertRefusedSilently(concat(header, ascii(GET)), reason);
    }

    @Test
    void mixedModeLetsStrangersInDirectlyAndRefusesTheirHeaders() throws Exception {
        start(trustingBalancer().mode(ProxyProtocolMode.MIXED));
        String direct;
        try (RawClient c = new RawClient(STRANGER_IP, jetty.port())) {
            direct = c.write(GET).readAllText();
        }
        assertTrue(direct.contains("remote=" + STRANGER_IP + ":"), direct);
        assertTrue(roundTrip(ascii(V1 + GET)).contains("remote=127.0.0.42:40000\n"));
        byte[] spoof;
        try (RawClient c = new RawClient(STRANGER_IP, jetty.port())) {
            spoof = c.write(ascii(V1 + GET)).readAll();
        }
        assertArrayEquals(new byte[0], spoof);
        awaitRejected(Reason.UNTRUSTED_PEER);
        assertEquals(1, jetty.proxy.getDirect());
    }

    @Test
    void theHeaderTimeoutIsAbsoluteAndTricklingCannotExtendIt() throws Exception {
        start(trustingBalancer().headerTimeout(Duration.ofMillis(800)));
        long start = System.nanoTime();
        byte[] response;
        try (RawClient c = new RawClient(jetty.port())) {
            // a byte every 100 ms: 48 bytes would take 4.8 s; the deadline is 0.8 s after accept
            Thread writer = new Thread(() -> {
                try {
                    c.trickle(ascii(V1), 100);
                } catch (Exception closed) {
                    // the server closed the connection: expected
                }
            });
            writer.start();
            response = c.readAll();
            writer.interrupt();
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertArrayEquals(new byte[0], response);
        assertTrue(elapsedMillis < 4000, "closed after " + elapsedMillis + " ms, before the line was complete");
        awaitRejected(Reason.HEADER_TIMEOUT);
        assertEquals(0, jetty.proxy.getPending());
    }

    @Test
    void maxPendingClosesExtraConnectionsAtOnce() throws Exception {
        start(trustingBalancer().maxPending(2));
        List<RawClient> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                waiting.add(new RawClient(jetty.port()).write("PROXY "));
            }
            for (int i = 0; i < 200 && jetty.proxy.getPending() < 2; i++) {
                Thread.sleep(10);
            }
            assertEquals(2, jetty.proxy.getPending());
            try (RawClient third = new RawClient(jetty.port())) {
                assertArrayEquals(new byte[0], third.write(ascii(V1 + GET)).readAll());
            }
            awaitRejected(Reason.TOO_MANY_PENDING);
            assertClient(waiting.get(0).write(ascii(V1.substring(6) + GET)).readAllText());
        } finally {
            for (RawClient c : waiting) {
                c.close();
            }
        }
    }

    @Test
    void eofBeforeTheHeaderIsNoHeader() throws Exception {
        start(trustingBalancer());
        try (RawClient c = new RawClient(jetty.port())) {
            c.write("PROXY TCP4 127.0.0.42");
        }
        awaitRejected(Reason.NO_HEADER);
        for (int i = 0; i < 200 && jetty.proxy.getPending() != 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(0, jetty.proxy.getPending());
    }
}

package io.github.proxyproto4j.tomcat;

import static io.github.proxyproto4j.tomcat.RawClient.BALANCER_IP;
import static io.github.proxyproto4j.tomcat.RawClient.STRANGER_IP;
import static io.github.proxyproto4j.tomcat.Wire.GET;
import static io.github.proxyproto4j.tomcat.Wire.V1;
import static io.github.proxyproto4j.tomcat.Wire.ascii;
import static io.github.proxyproto4j.tomcat.Wire.concat;
import static io.github.proxyproto4j.tomcat.Wire.v2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.Command;
import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.core.ProxyProtocolMode;
import io.github.proxyproto4j.core.Reason;
import io.github.proxyproto4j.core.SslInfo;
import io.github.proxyproto4j.core.Tlv;
import io.github.proxyproto4j.core.TlvType;
import io.github.proxyproto4j.core.UntrustedAction;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real sockets against an embedded Tomcat with {@link ProxyProtocolHttp11NioProtocol} and
 * {@link ProxyProtocolValve}, plaintext HTTP/1.1: every decision-table row, every feeding mode. The Tomcat twin of
 * the Jetty module's {@code ProxyProtocolConnectionFactoryTest}.
 */
class TomcatProxyProtocolTest {
    private TomcatFixture tomcat;

    @AfterEach
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    private TomcatFixture start(ProxyProtocolConfig.Builder config) throws Exception {
        tomcat = new TomcatFixture(config.build());
        return tomcat;
    }

    private static ProxyProtocolConfig.Builder trustingBalancer() {
        return ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32");
    }

    private ProxyProtocolCounters counters() {
        return tomcat.protocol.getProxyProtocolCounters();
    }

    private String roundTrip(byte[] bytes) throws Exception {
        try (RawClient c = new RawClient(tomcat.port())) {
            return c.write(bytes).readAllText();
        }
    }

    private static void assertClient(String response) {
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("remote=127.0.0.42:40000\n"), response);
        assertTrue(response.contains("local=192.0.2.10:9080\n"), response);
    }

    private void assertRefusedSilently(String from, byte[] bytes, Reason reason) throws Exception {
        long before = counters().rejected(reason);
        byte[] response;
        try (RawClient c = new RawClient(from, tomcat.port())) {
            response = c.write(bytes).readAll();
        }
        assertArrayEquals(new byte[0], response, "a refused connection gets zero response bytes");
        assertTrue(Wire.awaitRejected(counters(), reason, before + 1), counters().toString());
        assertEquals(before + 1, counters().rejected(reason), counters().toString());
    }

    private void assertRefusedSilently(byte[] bytes, Reason reason) throws Exception {
        assertRefusedSilently(BALANCER_IP, bytes, reason);
    }

    private void awaitNoPending() throws InterruptedException {
        assertTrue(Wire.await(() -> counters().getPending() == 0, 5000), counters().toString());
    }

    // ---------------------------------------------------------------- valid headers, every feeding mode

    @Test
    void v1WholeAppliesTheHeader() throws Exception {
        start(trustingBalancer());
        String r = roundTrip(ascii(V1 + GET));
        assertClient(r);
        assertTrue(r.contains("attr.proxy.address=127.0.0.1\n"), r);
        assertTrue(r.contains("attr.proxy.port="), r);
        assertTrue(r.contains("attr.header=ProxyHeader{v1 PROXY INET/STREAM"), r);
        assertFalse(r.contains("attr.tlv."), r);
        assertEquals(1, counters().getAccepted());
        awaitNoPending();
    }

    @Test
    void v2WithTlvsBecomesAttributes() throws Exception {
        start(trustingBalancer());
        String r = roundTrip(concat(v2(false), ascii(GET)));
        assertClient(r);
        assertTrue(r.contains("attr.header=ProxyHeader{v2 PROXY INET/STREAM"), r);
        assertTrue(r.contains("attr.tlv.alpn=h2\n"), r);
        assertTrue(r.contains("attr.tlv.authority=app.example\n"), r);
        assertTrue(r.contains("attr.tlv.unique-id=616263\n"), r);
        assertTrue(r.contains("attr.tlv.aws.vpce-id=vpce-0123\n"), r);
        assertTrue(r.contains("attr.proxy.address=127.0.0.1\n"), r);
        assertTrue(r.contains("secure=false\n"), r);
        assertTrue(r.contains("scheme=http\n"), r);
    }

    @Test
    void anIpv6ClientIsAppliedFromV1AndV2() throws Exception {
        start(trustingBalancer());
        String r1 = roundTrip(ascii("PROXY TCP6 2001:db8::42 2001:db8::1 40000 9080\r\n" + GET));
        assertTrue(r1.startsWith("HTTP/1.1 200"), r1);
        assertTrue(r1.contains("remote=2001:db8:0:0:0:0:0:42:40000\n"), r1);
        assertTrue(r1.contains("remoteHost=2001:db8:0:0:0:0:0:42\n"), r1);
        assertTrue(r1.contains("local=2001:db8:0:0:0:0:0:1:9080\n"), r1);
        ProxyHeader h = ProxyHeader.builder()
                .addresses(new InetSocketAddress("2001:db8::42", 40001), new InetSocketAddress("2001:db8::1", 9080))
                .build();
        String r2 = roundTrip(concat(ProxyHeaderEncoder.encodeV2(h, true), ascii(GET)));
        assertTrue(r2.contains("remote=2001:db8:0:0:0:0:0:42:40001\n"), r2);
        assertTrue(r2.contains("attr.header=ProxyHeader{v2 PROXY INET6/STREAM"), r2);
        assertEquals(2, counters().getAccepted());
    }

    @Test
    void aGoodCrc32cIsAccepted() throws Exception {
        start(trustingBalancer());
        assertClient(roundTrip(concat(v2(true), ascii(GET))));
        assertEquals(1, counters().getAccepted());
    }

    @Test
    void aBadCrc32cIsRefusedSilently() throws Exception {
        start(trustingBalancer());
        byte[] bad = v2(true);
        bad[20] ^= 1; // a byte of the source address
        assertRefusedSilently(concat(bad, ascii(GET)), Reason.CRC_MISMATCH);
        awaitNoPending();
    }

    @Test
    void everySplitAndByteByByteGivesTheSameResult() throws Exception {
        start(trustingBalancer());
        int n = 0;
        for (byte[] header : List.of(ascii(V1), v2(true))) {
            byte[] all = concat(header, ascii(GET));
            TreeSet<Integer> cuts = new TreeSet<>(List.of(1, 2, 5, 6, 7, 11, 12, 13, 15, 16, 17, 28,
                    header.length - 1, header.length, header.length + 1, header.length + 10));
            for (int cut = 3; cut < header.length; cut += 9) {
                cuts.add(cut);
            }
            for (int cut : cuts) {
                try (RawClient c = new RawClient(tomcat.port())) {
                    c.write(Arrays.copyOfRange(all, 0, cut));
                    Thread.sleep(10); // the server reads the first part alone
                    String r = c.write(Arrays.copyOfRange(all, cut, all.length)).readAllText();
                    assertClient(r);
                    n++;
                }
            }
            // in three parts: header start, the rest of the header with half the request, the rest
            try (RawClient c = new RawClient(tomcat.port())) {
                c.write(Arrays.copyOfRange(all, 0, 4));
                Thread.sleep(10);
                c.write(Arrays.copyOfRange(all, 4, header.length + 8));
                Thread.sleep(10);
                assertClient(c.write(Arrays.copyOfRange(all, header.length + 8, all.length)).readAllText());
                n++;
            }
            try (RawClient c = new RawClient(tomcat.port())) {
                c.trickle(header, 2);
                assertClient(c.write(ascii(GET)).readAllText());
                n++;
            }
            try (RawClient c = new RawClient(tomcat.port())) {
                c.trickle(all, 1); // the request byte by byte too
                assertClient(c.readAllText());
                n++;
            }
        }
        assertEquals(n, counters().getAccepted(), counters().toString());
        assertEquals(0, counters().getRejected(), counters().toString());
        awaitNoPending();
    }

    @Test
    void aV2HeaderLargerThanTheSocketReadBufferIsReadInPieces() throws Exception {
        start(trustingBalancer().maxHeaderSize(65535).maxTlvSize(65535));
        ProxyHeader big = ProxyHeader.builder()
                .addresses(new InetSocketAddress("127.0.0.42", 40000), new InetSocketAddress("192.0.2.10", 9080))
                .alpn("h2").noop(30_000).build(); // Tomcat's socket read buffer is 8 KiB
        byte[] header = ProxyHeaderEncoder.encodeV2(big, true);
        assertTrue(header.length > 30_000);
        String r = roundTrip(concat(header, ascii(GET)));
        assertClient(r);
        assertTrue(r.contains("attr.tlv.alpn=h2\n"), r);
        try (RawClient c = new RawClient(tomcat.port())) {
            byte[] all = concat(header, ascii(GET));
            for (int off = 0; off < all.length; off += 7000) {
                c.write(Arrays.copyOfRange(all, off, Math.min(all.length, off + 7000)));
                Thread.sleep(5);
            }
            assertClient(c.readAllText());
        }
        assertEquals(2, counters().getAccepted());
    }

    // ---------------------------------------------------------------- the bytes after the header

    @Test
    void aPostBodyAndAPipelinedRequestInTheHeadersSegmentStayIntact() throws Exception {
        start(trustingBalancer());
        String post = "POST /p HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\nhello world";
        String second = "GET /second HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
        try (RawClient c = new RawClient(tomcat.port())) {
            c.write(concat(v2(false), ascii(post + second))); // one segment
            String first = c.readResponse();
            assertTrue(first.startsWith("HTTP/1.1 200"), first);
            assertTrue(first.contains("path=/p\n"), first);
            assertTrue(first.contains("body=hello world\n"), first);
            assertTrue(first.contains("remote=127.0.0.42:40000\n"), first);
            String next = c.readAllText();
            assertTrue(next.startsWith("HTTP/1.1 200"), next);
            assertTrue(next.contains("path=/second\n"), next);
            assertTrue(next.contains("body=\n"), next);
            assertTrue(next.contains("remote=127.0.0.42:40000\n"), "every keep-alive request sees the client: " + next);
            assertTrue(next.contains("attr.tlv.alpn=h2\n"), "attributes on every request: " + next);
        }
        assertEquals(1, counters().getAccepted());
    }

    @Test
    void keepAliveRequestsAllSeeTheClient() throws Exception {
        start(trustingBalancer());
        try (RawClient c = new RawClient(tomcat.port())) {
            c.write(V1);
            for (int i = 0; i < 5; i++) {
                c.write("GET /n" + i + " HTTP/1.1\r\nHost: test\r\n\r\n");
                String r = c.readResponse();
                assertTrue(r.startsWith("HTTP/1.1 200"), r);
                assertTrue(r.contains("path=/n" + i + "\n"), r);
                assertTrue(r.contains("remote=127.0.0.42:40000\n"), r);
                assertTrue(r.contains("local=192.0.2.10:9080\n"), r);
            }
        }
        assertEquals(1, counters().getAccepted());
    }

    // ---------------------------------------------------------------- options

    @Test
    void theLocalAddressComesFromTheHeaderByDefault() throws Exception {
        start(trustingBalancer().localAddressFromHeader(true));
        String r = roundTrip(ascii(V1 + GET));
        assertTrue(r.contains("local=192.0.2.10:9080\n"), r);
    }

    @Test
    void theLocalAddressStaysTheSocketsWhenConfigured() throws Exception {
        start(trustingBalancer().localAddressFromHeader(false));
        String r = roundTrip(ascii(V1 + GET));
        assertTrue(r.contains("remote=127.0.0.42:40000\n"), r);
        assertTrue(r.contains("local=127.0.0.1:" + tomcat.port() + "\n"), r);
    }

    private static byte[] tlsHeader(int flags) {
        ProxyHeader tls = ProxyHeader.builder()
                .addresses(new InetSocketAddress("127.0.0.42", 40000), new InetSocketAddress("192.0.2.10", 8443))
                .ssl(SslInfo.of(flags, 0, List.of(
                        Tlv.of(TlvType.SSL_VERSION, ascii("TLSv1.3")), Tlv.of(TlvType.SSL_CN, ascii("alice")),
                        Tlv.of(TlvType.SSL_CIPHER, ascii("TLS_AES_128_GCM_SHA256"))))).build();
        return ProxyHeaderEncoder.encode(tls);
    }

    @Test
    void theSslTlvClientBitMakesTheRequestSecure() throws Exception {
        start(trustingBalancer().secureFromSslTlv(true));
        try (RawClient c = new RawClient(tomcat.port())) {
            c.write(tlsHeader(SslInfo.CLIENT_SSL | SslInfo.CLIENT_CERT_CONN));
            for (int i = 0; i < 2; i++) { // every request of the connection
                String r = c.write("GET /s" + i + " HTTP/1.1\r\nHost: test\r\n\r\n").readResponse();
                assertTrue(r.startsWith("HTTP/1.1 200"), r);
                assertTrue(r.contains("secure=true\n"), r);
                assertTrue(r.contains("scheme=https\n"), r);
                assertTrue(r.contains("serverPort=8443\n"), "the header's destination port: " + r);
                assertTrue(r.contains("remote=127.0.0.42:40000\n"), r);
                assertTrue(r.contains("attr.tlv.ssl.cn=alice\n"), r);
                assertTrue(r.contains("attr.tlv.ssl=SslInfo"), r);
            }
        }
    }

    @Test
    void theSslTlvWithoutTheClientBitIsNotSecure() throws Exception {
        start(trustingBalancer().secureFromSslTlv(true));
        String r = roundTrip(concat(tlsHeader(0), ascii(GET))); // HAProxy on a plain connection
        assertTrue(r.contains("secure=false\n"), r);
        assertTrue(r.contains("scheme=http\n"), r);
        assertFalse(r.contains("serverPort=8443\n"), r);
    }

    @Test
    void theSslTlvIsIgnoredForSecurityWhenTurnedOff() throws Exception {
        start(trustingBalancer().secureFromSslTlv(false));
        String r = roundTrip(concat(tlsHeader(SslInfo.CLIENT_SSL | SslInfo.CLIENT_CERT_CONN), ascii(GET)));
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertTrue(r.contains("secure=false\n"), r);
        assertTrue(r.contains("scheme=http\n"), r);
        assertFalse(r.contains("serverPort=8443\n"), r);
        assertTrue(r.contains("attr.tlv.ssl.cn=alice\n"), "the TLV is still an attribute: " + r);
    }

    @Test
    void getRemoteHostIsTheIpLiteralWithoutDns() throws Exception {
        start(trustingBalancer());
        assertFalse(tomcat.connector.getEnableLookups(), "enableLookups is off by default");
        String r = roundTrip(ascii(V1 + GET));
        assertTrue(r.contains("remoteHost=127.0.0.42\n"), r);
    }

    // ---------------------------------------------------------------- the decision table

    @Test
    void localAndUnknownKeepTheSocketsAddresses() throws Exception {
        start(trustingBalancer());
        String r = roundTrip(ascii("PROXY UNKNOWN\r\n" + GET));
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertTrue(r.contains("remote=127.0.0.1:"), r);
        assertTrue(r.contains("local=127.0.0.1:" + tomcat.port() + "\n"), r);
        assertTrue(r.contains("attr.header=ProxyHeader{v1 PROXY UNSPEC/UNSPEC"), r);
        assertFalse(r.contains("attr.tlv."), r);
        String u = roundTrip(ascii("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n" + GET));
        assertTrue(u.contains("remote=127.0.0.1:"), u);
        ProxyHeader local = ProxyHeader.builder().command(Command.LOCAL).alpn("h2").build();
        String l = roundTrip(concat(ProxyHeaderEncoder.encode(local), ascii(GET)));
        assertTrue(l.startsWith("HTTP/1.1 200"), l);
        assertTrue(l.contains("remote=127.0.0.1:"), l);
        assertTrue(l.contains("local=127.0.0.1:" + tomcat.port() + "\n"), l);
        assertTrue(l.contains("attr.header=ProxyHeader{v2 LOCAL"), l);
        assertFalse(l.contains("attr.tlv."), "TLVs only when applied: " + l);
        assertEquals(3, counters().getLocal());
        assertEquals(0, counters().getAccepted());
    }

    @Test
    void requiredTrustedWithoutAHeaderIsRefused() throws Exception {
        start(trustingBalancer());
        assertRefusedSilently(ascii(GET), Reason.NOT_PROXY);
        assertRefusedSilently(ascii("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"), Reason.NOT_PROXY);
        assertRefusedSilently(ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Reason.NOT_PROXY);
        awaitNoPending();
    }

    @Test
    void eofBeforeTheHeaderIsNoHeader() throws Exception {
        start(trustingBalancer());
        try (RawClient c = new RawClient(tomcat.port())) {
            c.write("PROXY TCP4 127.0.0.42");
        }
        assertTrue(Wire.awaitRejected(counters(), Reason.NO_HEADER, 1), counters().toString());
        try (RawClient c = new RawClient(tomcat.port())) {
            c.write(""); // nothing at all
        }
        assertTrue(Wire.awaitRejected(counters(), Reason.NO_HEADER, 2), counters().toString());
        awaitNoPending();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "PROXY TCP4 127.0.0.42 192.0.2.10 40000 099\r\n",
        "PROXY TCP4 127.0.0.042 192.0.2.10 40000 9080\r\n",
        "PROXY TCP6 127.0.0.42 192.0.2.10 40000 9080\r\n",
        "PROXY TCP4  127.0.0.42 192.0.2.10 40000 9080\r\n",
        "PROXY TCP4 127.0.0.42 192.0.2.10 40000 9080\n",
        "PROXY TCP5 127.0.0.42 192.0.2.10 40000 9080\r\n",
        "PROXY TCP4 127.0.0.42 192.0.2.10 40000 65536\r\n",
        "PROXY TCP4 127.0.0.42 192.0.2.10 40000 9080 \r\n",
        "PROXY tcp4 127.0.0.42 192.0.2.10 40000 9080\r\n",
        "PROXY TCP4 127.0.0.42 192.0.2.10 40000 9080 0000000000000000000000000000000000000000000000000000000000000\r\n",
    })
    void malformedV1IsRefusedSilently(String header) throws Exception {
        start(trustingBalancer());
        byte[] response;
        try (RawClient c = new RawClient(tomcat.port())) {
            response = c.write(header + GET).readAll();
        }
        assertArrayEquals(new byte[0], response);
        assertTrue(Wire.await(() -> counters().getRejected() == 1, 5000), counters().toString());
        assertEquals(1, counters().getRejected());
        assertEquals(0, counters().getAccepted());
        awaitNoPending();
    }

    static Stream<Arguments> malformedV2() {
        byte[] good = v2(false);
        byte[] version = good.clone();
        version[12] = 0x11;
        byte[] command = good.clone();
        command[12] = 0x2F;
        byte[] family = good.clone();
        family[13] = 0x41;
        byte[] overrun = good.clone();
        overrun[16 + 12 + 2] = (byte) 0xF0; // the first TLV claims 240 bytes
        byte[] tooShort = good.clone();
        tooShort[14] = 0;
        tooShort[15] = 8;
        byte[] tooLarge = good.clone();
        tooLarge[14] = 0x7F; // 32 KiB, over the default 1024
        byte[] signature = good.clone();
        signature[11] = 0x0B;
        return Stream.of(
                Arguments.of(version, Reason.BAD_VERSION),
                Arguments.of(command, Reason.BAD_COMMAND),
                Arguments.of(family, Reason.BAD_FAMILY_TRANSPORT),
                Arguments.of(overrun, Reason.TLV_OVERRUN),
                Arguments.of(tooShort, Reason.LENGTH_TOO_SHORT),
                Arguments.of(tooLarge, Reason.HEADER_TOO_LARGE),
                Arguments.of(signature, Reason.NOT_PROXY));
    }

    @ParameterizedTest
    @MethodSource("malformedV2")
    void malformedV2IsRefusedSilently(byte[] header, Reason reason) throws Exception {
        start(trustingBalancer());
        assertRefusedSilently(concat(header, ascii(GET)), reason);
        assertEquals(1, counters().getRejected());
        awaitNoPending();
    }

    @Test
    void anUntrustedPeerIsClosedAtAcceptWithoutReading() throws Exception {
        start(trustingBalancer());
        long start = System.nanoTime();
        byte[] response;
        try (RawClient c = new RawClient(STRANGER_IP, tomcat.port())) {
            response = c.readAll(); // nothing sent: the close can only come from the accept
        }
        assertArrayEquals(new byte[0], response);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 4000, "closed at accept, not at a timeout: " + millis + " ms");
        assertTrue(Wire.awaitRejected(counters(), Reason.UNTRUSTED_PEER, 1), counters().toString());
        assertRefusedSilently(STRANGER_IP, ascii(V1 + GET), Reason.UNTRUSTED_PEER);
        assertEquals(0, counters().getPending());
    }

    @Test
    void anUntrustedPeerUnderIgnoreKeepsItsOwnAddress() throws Exception {
        start(trustingBalancer().untrustedAction(UntrustedAction.IGNORE));
        String r;
        try (RawClient c = new RawClient(STRANGER_IP, tomcat.port())) {
            r = c.write(ascii(V1 + GET)).readAllText();
        }
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertTrue(r.contains("remote=" + STRANGER_IP + ":"), r);
        assertTrue(r.contains("local=127.0.0.1:" + tomcat.port() + "\n"), r);
        assertTrue(r.contains("path=/echo\n"), "the header was consumed: " + r);
        assertTrue(r.contains("attr.proxy.address=" + STRANGER_IP + "\n"), r);
        assertFalse(r.contains("attr.tlv."), r);
        String v2r;
        try (RawClient c = new RawClient(STRANGER_IP, tomcat.port())) {
            v2r = c.write(concat(v2(true), ascii(GET))).readAllText();
        }
        assertTrue(v2r.contains("remote=" + STRANGER_IP + ":"), v2r);
        assertFalse(v2r.contains("attr.tlv."), v2r);
        assertEquals(2, counters().getIgnored());
        assertEquals(0, counters().getAccepted());
        assertClient(roundTrip(ascii(V1 + GET))); // the balancer is still applied
    }

    @Test
    void anUntrustedPeerUnderIgnoreWithoutAHeaderIsRefused() throws Exception {
        start(trustingBalancer().untrustedAction(UntrustedAction.IGNORE));
        assertRefusedSilently(STRANGER_IP, ascii(GET), Reason.NOT_PROXY);
        byte[] bad = v2(true);
        bad[20] ^= 1;
        assertRefusedSilently(STRANGER_IP, concat(bad, ascii(GET)), Reason.CRC_MISMATCH);
        awaitNoPending();
    }

    @Test
    void mixedModeStillRequiresAHeaderFromTheBalancer() throws Exception {
        start(trustingBalancer().mode(ProxyProtocolMode.MIXED));
        assertRefusedSilently(ascii(GET), Reason.NOT_PROXY);
        assertClient(roundTrip(ascii(V1 + GET)));
    }

    @Test
    void mixedModeLetsStrangersInDirectlyAndRefusesTheirHeaders() throws Exception {
        start(trustingBalancer().mode(ProxyProtocolMode.MIXED));
        String direct;
        try (RawClient c = new RawClient(STRANGER_IP, tomcat.port())) {
            direct = c.write(GET).readAllText();
        }
        assertTrue(direct.startsWith("HTTP/1.1 200"), direct);
        assertTrue(direct.contains("remote=" + STRANGER_IP + ":"), direct);
        assertFalse(direct.contains("attr."), direct);
        // bytes untouched, even when they start like a signature and arrive in pieces
        String propfind;
        try (RawClient c = new RawClient(STRANGER_IP, tomcat.port())) {
            c.write("PRO");
            Thread.sleep(20);
            c.write("PFIND /d HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n");
            Thread.sleep(20);
            propfind = c.write("Connection: close\r\n\r\nbytes").readAllText();
        }
        assertTrue(propfind.startsWith("HTTP/1.1 200"), propfind);
        assertTrue(propfind.contains("path=/d\n"), propfind);
        assertTrue(propfind.contains("body=bytes\n"), propfind);
        assertTrue(propfind.contains("remote=" + STRANGER_IP + ":"), propfind);
        assertEquals(2, counters().getDirect());

        assertClient(roundTrip(ascii(V1 + GET)));
        assertRefusedSilently(STRANGER_IP, ascii(V1 + GET), Reason.UNTRUSTED_PEER);
        assertRefusedSilently(STRANGER_IP, concat(v2(true), ascii(GET)), Reason.UNTRUSTED_PEER);
        assertEquals(2, counters().getDirect());
        assertEquals(1, counters().getAccepted());
        awaitNoPending();
    }

    // ---------------------------------------------------------------- header timeout, max-pending

    @Test
    void theHeaderTimeoutIsAbsoluteAndTricklingCannotExtendIt() throws Exception {
        start(trustingBalancer().headerTimeout(Duration.ofSeconds(1)));
        long start = System.nanoTime();
        byte[] response;
        try (RawClient c = new RawClient(tomcat.port())) {
            // a byte every 100 ms: the line would take 4.6 s; the deadline is 1 s after accept
            Thread writer = new Thread(() -> {
                try {
                    c.trickle(ascii(V1 + GET), 100);
                } catch (Exception closed) {
                    // the server closed the connection: expected
                }
            });
            writer.setDaemon(true);
            writer.start();
            response = c.readAll();
            writer.interrupt();
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertArrayEquals(new byte[0], response);
        assertTrue(elapsedMillis < 4000, "closed after " + elapsedMillis + " ms, before the line was complete");
        assertTrue(Wire.awaitRejected(counters(), Reason.HEADER_TIMEOUT, 1), counters().toString());
        assertEquals(1, counters().getRejected(), counters().toString());
        awaitNoPending();
    }

    @Test
    void aSilentConnectionTimesOutTooAndWritesNothing() throws Exception {
        start(trustingBalancer().headerTimeout(Duration.ofSeconds(1)));
        long start = System.nanoTime();
        byte[] response;
        try (RawClient c = new RawClient(tomcat.port())) {
            response = c.readAll();
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertArrayEquals(new byte[0], response);
        assertTrue(elapsedMillis < 5000, "closed after " + elapsedMillis + " ms");
        assertTrue(Wire.awaitRejected(counters(), Reason.HEADER_TIMEOUT, 1), counters().toString());
        awaitNoPending();
    }

    @Test
    void maxPendingClosesExtraConnectionsAtOnce() throws Exception {
        start(trustingBalancer().maxPending(2));
        List<RawClient> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                waiting.add(new RawClient(tomcat.port()).write("PROXY "));
            }
            assertTrue(Wire.await(() -> counters().getPending() == 2, 5000), counters().toString());
            long start = System.nanoTime();
            try (RawClient third = new RawClient(tomcat.port())) {
                assertArrayEquals(new byte[0], third.readAll(), "closed at accept, before it sent anything");
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 4000, "closed at once, not at the header timeout: " + millis + " ms");
            assertTrue(Wire.awaitRejected(counters(), Reason.TOO_MANY_PENDING, 1), counters().toString());
            try (RawClient fourth = new RawClient(tomcat.port())) {
                assertArrayEquals(new byte[0], fourth.write(ascii(V1 + GET)).readAll());
            }
            assertTrue(Wire.awaitRejected(counters(), Reason.TOO_MANY_PENDING, 2), counters().toString());
            assertEquals(2, counters().getPending());

            // one finishes its header, the other gives up: both slots are free again
            assertClient(waiting.get(0).write(ascii(V1.substring(6) + GET)).readAllText());
            waiting.get(1).close();
            awaitNoPending();
            assertTrue(Wire.awaitRejected(counters(), Reason.NO_HEADER, 1), counters().toString());
            for (int i = 0; i < 2; i++) {
                waiting.add(new RawClient(tomcat.port()).write("PROXY TCP4 "));
            }
            assertTrue(Wire.await(() -> counters().getPending() == 2, 5000), counters().toString());
            for (int i = 2; i < 4; i++) {
                assertClient(waiting.get(i).write(ascii(V1.substring(11) + GET)).readAllText());
            }
            awaitNoPending();
            assertEquals(3, counters().getAccepted(), counters().toString());
            assertEquals(2, counters().rejected(Reason.TOO_MANY_PENDING), counters().toString());
        } finally {
            for (RawClient c : waiting) {
                c.close();
            }
        }
    }
}

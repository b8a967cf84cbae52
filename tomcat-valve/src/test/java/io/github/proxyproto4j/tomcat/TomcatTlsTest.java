package io.github.proxyproto4j.tomcat;

import static io.github.proxyproto4j.tomcat.RawClient.BALANCER_IP;
import static io.github.proxyproto4j.tomcat.RawClient.CLIENT_IP;
import static io.github.proxyproto4j.tomcat.RawClient.STRANGER_IP;
import static io.github.proxyproto4j.tomcat.Wire.V1;
import static io.github.proxyproto4j.tomcat.Wire.ascii;
import static io.github.proxyproto4j.tomcat.Wire.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The app's own TLS (JSSE, {@code SSLEnabled="true"}) behind a PROXY header: {@link ProxyProtocolSecureNioChannel}
 * reads the cleartext header, drops it from the network buffer and leaves the ClientHello to Tomcat's handshake.
 * The header and the ClientHello arrive in one segment or cut anywhere; the app's mutual TLS, a balancer's SSL TLV,
 * the silent refusals and pooled channels all behave as in plaintext.
 */
class TomcatTlsTest {
    static final String POST = "POST /tls HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 11\r\nConnection: close\r\n\r\nhello world";
    static final String GET_KEEP_ALIVE = "GET /first HTTP/1.1\r\nHost: localhost\r\n\r\n";

    private TomcatFixture tomcat;

    @AfterEach
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    private TomcatFixture start(ProxyProtocolConfig.Builder config, boolean requireClientCert) throws Exception {
        tomcat = new TomcatFixture(config.build(), true, f -> TestTls.enable(f.connector, requireClientCert));
        return tomcat;
    }

    private TomcatFixture start(ProxyProtocolConfig.Builder config) throws Exception {
        return start(config, false);
    }

    private static ProxyProtocolConfig.Builder trustingBalancer() {
        return ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32");
    }

    private ProxyProtocolCounters counters() {
        return tomcat.protocol.getProxyProtocolCounters();
    }

    static byte[] v1() {
        return ascii(V1);
    }

    static byte[] v2() {
        return Wire.v2(40000, true);
    }

    /** Every request of the connection: the header's client, and secure/https from the app's own TLS. */
    private static void assertTlsClient(String r, String path, String body) {
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertTrue(r.contains("remote=" + CLIENT_IP + ":40000\n"), r);
        assertTrue(r.contains("local=192.0.2.10:9080\n"), r);
        assertTrue(r.contains("secure=true\n"), r);
        assertTrue(r.contains("scheme=https\n"), r);
        assertTrue(r.contains("path=" + path + "\n"), r);
        assertTrue(r.contains("body=" + body + "\n"), r);
        assertTrue(r.contains("attr.proxy.address=127.0.0.1\n"), r);
    }

    /** A GET (kept alive), then a POST with a body on the same TLS connection. */
    private void getThenPost(TlsClient c) throws IOException {
        assertTlsClient(c.write(GET_KEEP_ALIVE).readResponse(), "/first", "");
        assertTlsClient(c.write(POST).readAll(), "/tls", "hello world");
    }

    private void assertRefusedSilently(String from, byte[] bytes, Reason reason) throws Exception {
        long before = counters().rejected(reason);
        byte[] response;
        try (RawClient c = new RawClient(from, tomcat.port())) {
            response = c.write(bytes).readAll();
        }
        assertArrayEquals(new byte[0], response, "a refused connection gets zero bytes, not even a TLS alert");
        assertTrue(Wire.awaitRejected(counters(), reason, before + 1), counters().toString());
    }

    private void awaitNoPending() throws InterruptedException {
        assertTrue(Wire.await(() -> counters().getPending() == 0, 5000), counters().toString());
    }

    /**
     * Refused and finished connections give their maxConnections slot back. The count idles at 1, not 0: Tomcat's
     * acceptor takes the slot of its next connection before it accepts.
     */
    private void awaitNoConnections() throws InterruptedException {
        assertTrue(Wire.await(() -> tomcat.protocol.getConnectionCount() <= 1, 5000),
                "connections still counted: " + tomcat.protocol.getConnectionCount());
    }

    // ---------------------------------------------------------------- the header, then the app's TLS

    @Test
    void theHeaderAndTheClientHelloInOneWrite() throws Exception {
        start(trustingBalancer());
        for (byte[] header : List.of(v1(), v2())) {
            try (TlsClient c = new TlsClient(tomcat.port(), header)) {
                c.handshake();
                byte[] first = c.firstWrite();
                assertTrue(first.length > header.length + 40, "the ClientHello followed the header in its write");
                assertEquals(0x16, first[header.length], "a TLS handshake record right after the header");
                getThenPost(c);
            }
        }
        assertEquals(2, counters().getAccepted(), counters().toString());
        assertEquals(0, counters().getRejected(), counters().toString());
        awaitNoPending();
    }

    static Stream<Arguments> cuts() {
        List<Arguments> out = new ArrayList<>();
        for (byte[] header : List.of(v1(), v2())) {
            String name = header[0] == 'P' ? "v1" : "v2";
            int n = header.length;
            out.add(Arguments.of(name + " header cut after 1 byte", header, new int[] {1}));
            out.add(Arguments.of(name + " header cut in the middle", header, new int[] {13}));
            out.add(Arguments.of(name + " all but the header's last byte", header, new int[] {n - 1}));
            out.add(Arguments.of(name + " the header alone, then the ClientHello", header, new int[] {n}));
            out.add(Arguments.of(name + " the header and 1 byte of the ClientHello", header, new int[] {n + 1}));
            out.add(Arguments.of(name + " the header and the TLS record header", header, new int[] {n + 5}));
            out.add(Arguments.of(name + " the header and part of the ClientHello", header, new int[] {n + 60}));
            out.add(Arguments.of(name + " in four writes", header, new int[] {5, n - 3, n + 2, n + 100}));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cuts")
    void theHeaderAndTheClientHelloCutAnywhere(String name, byte[] header, int[] cuts) throws Exception {
        start(trustingBalancer());
        try (TlsClient c = new TlsClient(tomcat.port(), header, cuts)) {
            c.handshake();
            getThenPost(c);
        }
        assertEquals(1, counters().getAccepted(), counters().toString());
        awaitNoPending();
    }

    @Test
    void theHeaderByteByByteThenTheClientHello() throws Exception {
        start(trustingBalancer());
        byte[] header = v2();
        int[] cuts = new int[header.length];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        try (TlsClient c = new TlsClient(tomcat.port(), header, cuts)) {
            c.handshake();
            getThenPost(c);
        }
    }

    @Test
    void aV2HeaderLargerThanTheNetworkBufferBeforeTheClientHello() throws Exception {
        start(trustingBalancer().maxHeaderSize(65535).maxTlvSize(65535));
        ProxyHeader big = ProxyHeader.builder()
                .addresses(new InetSocketAddress(CLIENT_IP, 40000), new InetSocketAddress("192.0.2.10", 9080))
                .noop(40_000).build(); // SecureNioChannel's network input buffer is 16 KiB
        byte[] header = ProxyHeaderEncoder.encodeV2(big, true);
        assertTrue(header.length > 40_000);
        try (TlsClient c = new TlsClient(tomcat.port(), header)) { // one write: header, then the ClientHello
            c.handshake();
            getThenPost(c);
        }
        try (TlsClient c = new TlsClient(tomcat.port(), header, 7000, 14000, 21000, header.length + 3)) {
            c.handshake();
            getThenPost(c);
        }
        assertEquals(2, counters().getAccepted(), counters().toString());
    }

    @Test
    void aLocalHeaderThenTlsKeepsTheSocketsAddresses() throws Exception {
        start(trustingBalancer());
        byte[] local = ProxyHeaderEncoder.encode(ProxyHeader.builder().command(Command.LOCAL).build());
        String r;
        try (TlsClient c = new TlsClient(tomcat.port(), local)) {
            r = c.handshake().write(POST).readAll();
        }
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertTrue(r.contains("remote=127.0.0.1:"), r);
        assertTrue(r.contains("secure=true\n"), r);
        assertTrue(r.contains("body=hello world\n"), r);
        assertEquals(1, counters().getLocal(), counters().toString());
    }

    @Test
    void plainHttpAfterTheHeaderReachesTomcatsOwnTlsCheck() throws Exception {
        // The header is consumed and exactly the bytes after it go to Tomcat's TLS handshake, which answers
        // plaintext HTTP with its own "requires TLS" 400: the connector's behaviour, not a PROXY refusal.
        start(trustingBalancer());
        String r;
        try (RawClient c = new RawClient(tomcat.port())) {
            r = c.write(V1 + Wire.GET).readAllText();
        }
        assertTrue(r.startsWith("HTTP/1.1 400"), r);
        assertTrue(r.contains("requires TLS"), r);
        assertEquals(1, counters().getAccepted(), counters().toString());
    }

    @Test
    void mixedModeServesADirectTlsClientWithItsBytesUntouched() throws Exception {
        start(trustingBalancer().mode(ProxyProtocolMode.MIXED));
        String direct;
        try (TlsClient c = new TlsClient(STRANGER_IP, tomcat.port(), TestTls.clientContext(), new byte[0])) {
            direct = c.handshake().write(POST).readAll();
        }
        assertTrue(direct.startsWith("HTTP/1.1 200"), direct);
        assertTrue(direct.contains("remote=" + STRANGER_IP + ":"), direct);
        assertTrue(direct.contains("secure=true\n"), direct);
        assertTrue(direct.contains("body=hello world\n"), direct);
        assertFalse(direct.contains("attr."), direct);
        assertEquals(1, counters().getDirect(), counters().toString());
        try (TlsClient c = new TlsClient(tomcat.port(), v1())) {
            c.handshake();
            getThenPost(c);
        }
        assertRefusedSilently(STRANGER_IP, concat(v1(), TestTls.clientHello()), Reason.UNTRUSTED_PEER);
    }

    @Test
    void anUntrustedPeerUnderIgnoreHasItsHeaderDroppedAndItsTlsServed() throws Exception {
        start(trustingBalancer().untrustedAction(UntrustedAction.IGNORE));
        for (byte[] header : List.of(v1(), v2())) {
            String r;
            try (TlsClient c = new TlsClient(STRANGER_IP, tomcat.port(), TestTls.clientContext(), header,
                    header.length - 2)) {
                r = c.handshake().write(POST).readAll();
            }
            assertTrue(r.startsWith("HTTP/1.1 200"), r);
            assertTrue(r.contains("remote=" + STRANGER_IP + ":"), r);
            assertTrue(r.contains("secure=true\n"), r);
            assertTrue(r.contains("body=hello world\n"), r);
            assertFalse(r.contains("attr.tlv."), r);
        }
        assertEquals(2, counters().getIgnored(), counters().toString());
        assertEquals(0, counters().getAccepted(), counters().toString());
    }

    @Test
    void aStalledHeaderOnTheTlsConnectorIsClosedAtStopAndFreesItsSlot() throws Exception {
        TomcatFixture t = start(trustingBalancer());
        ProxyProtocolCounters counters = counters();
        try (RawClient stalled = new RawClient(t.port())) {
            stalled.write(java.util.Arrays.copyOf(v2(), 20));
            assertTrue(Wire.await(() -> counters.getPending() == 1, 5000), counters.toString());
            tomcat = null;
            t.close();
            assertArrayEquals(new byte[0], stalled.readAll());
        }
        assertEquals(0, counters.getPending(), counters.toString());
        assertEquals(1, counters.rejected(Reason.NO_HEADER), counters.toString());
    }

    // ---------------------------------------------------------------- the app's own mutual TLS

    @Test
    void theAppsOwnClientCertificateTlsWorksBehindTheHeader() throws Exception {
        start(trustingBalancer(), true);
        for (byte[] header : List.of(v1(), v2())) {
            String r;
            try (TlsClient c = new TlsClient(BALANCER_IP, tomcat.port(), TestTls.clientContext(true), header, 
                    header.length + 1)) {
                r = c.handshake().write(POST).readAll();
            }
            assertTlsClient(r, "/tls", "hello world");
            assertTrue(r.contains("x509=CN=" + TestTls.CLIENT_CN + "\n"),
                    "jakarta.servlet.request.X509Certificate is the client's: " + r);
        }
        assertEquals(2, counters().getAccepted(), counters().toString());
    }

    @Test
    void theAppsOwnMutualTlsStillRefusesAClientWithoutACertificate() throws Exception {
        start(trustingBalancer(), true);
        String r = "";
        try (TlsClient c = new TlsClient(tomcat.port(), v1())) {
            // TLS 1.3: the client may finish its side before the server checks the (missing) certificate, so the
            // failure shows at the handshake, the write or the read; in no case is there an HTTP response.
            r = c.handshake().write(POST).readAll();
        } catch (SSLException | SocketException expected) {
            // the handshake failed
        }
        assertFalse(r.contains("HTTP/1.1"), r);
        assertEquals(1, counters().getAccepted(), "the header was fine; the app's TLS refused: " + counters());
    }

    // ---------------------------------------------------------------- a balancer's SSL TLV beside the app's TLS

    @Test
    void aBalancersSslTlvBesideTheAppsOwnTls() throws Exception {
        start(trustingBalancer().secureFromSslTlv(true));
        ProxyHeader h = ProxyHeader.builder()
                .addresses(new InetSocketAddress(CLIENT_IP, 40000), new InetSocketAddress("192.0.2.10", 8443))
                .ssl(SslInfo.of(SslInfo.CLIENT_SSL | SslInfo.CLIENT_CERT_CONN, 0, List.of(
                        Tlv.of(TlvType.SSL_VERSION, ascii("TLSv1.3")), Tlv.of(TlvType.SSL_CN, ascii("lb-client")))))
                .build();
        byte[] header = ProxyHeaderEncoder.encodeV2(h, true);
        String r;
        try (TlsClient c = new TlsClient(tomcat.port(), header)) {
            r = c.handshake().write(POST).readAll();
        }
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertTrue(r.contains("remote=" + CLIENT_IP + ":40000\n"), r);
        assertTrue(r.contains("attr.tlv.ssl.cn=lb-client\n"), r);
        assertTrue(r.contains("attr.tlv.ssl=SslInfo"), r);
        assertTrue(r.contains("secure=true\n"), r);
        assertTrue(r.contains("scheme=https\n"), r);
        assertTrue(r.contains("body=hello world\n"), r);
        assertFalse(r.contains("x509="), "no certificate in the app's own TLS: " + r);
    }

    // ---------------------------------------------------------------- refusals: zero bytes on the TLS connector

    @Test
    void anUntrustedPeerIsRefusedSilently() throws Exception {
        start(trustingBalancer());
        assertRefusedSilently(STRANGER_IP, concat(v1(), TestTls.clientHello()), Reason.UNTRUSTED_PEER);
        assertRefusedSilently(STRANGER_IP, concat(v2(), TestTls.clientHello()), Reason.UNTRUSTED_PEER);
        try (TlsClient c = new TlsClient(STRANGER_IP, tomcat.port(), TestTls.clientContext(), v1())) {
            c.handshake();
            fail("the handshake of an untrusted peer succeeded");
        } catch (SSLException | SocketException expected) {
            // closed at accept
        }
        assertEquals(0, counters().getAccepted(), counters().toString());
        awaitNoPending();
        awaitNoConnections();
    }

    @Test
    void aClientHelloWithoutAHeaderIsRefusedSilently() throws Exception {
        start(trustingBalancer());
        assertRefusedSilently(BALANCER_IP, TestTls.clientHello(), Reason.NOT_PROXY);
        try (TlsClient c = new TlsClient(tomcat.port(), new byte[0])) {
            c.handshake();
            fail("a TLS handshake without a header succeeded");
        } catch (SSLException | SocketException expected) {
            // NOT_PROXY: closed without a byte
        }
        assertTrue(Wire.awaitRejected(counters(), Reason.NOT_PROXY, 2), counters().toString());
        awaitNoPending();
        awaitNoConnections();
    }

    @Test
    void aBadHeaderBeforeTheClientHelloIsRefusedSilently() throws Exception {
        start(trustingBalancer());
        assertRefusedSilently(BALANCER_IP,
                concat(ascii("PROXY TCP4 127.0.0.042 192.0.2.10 40000 9080\r\n"), TestTls.clientHello()),
                Reason.BAD_ADDRESS);
        byte[] badCrc = v2();
        badCrc[20] ^= 1;
        assertRefusedSilently(BALANCER_IP, concat(badCrc, TestTls.clientHello()), Reason.CRC_MISMATCH);
        assertEquals(0, counters().getAccepted(), counters().toString());
        awaitNoPending();
        awaitNoConnections();
    }

    @Test
    void theHeaderTimeoutOnTheTlsConnectorWritesNothing() throws Exception {
        start(trustingBalancer().headerTimeout(Duration.ofSeconds(1)));
        byte[] partial;
        byte[] silent;
        try (RawClient c = new RawClient(tomcat.port())) {
            partial = c.write("PROXY TCP4 127.0.0.").readAll();
        }
        try (RawClient c = new RawClient(tomcat.port())) {
            silent = c.readAll();
        }
        assertArrayEquals(new byte[0], partial);
        assertArrayEquals(new byte[0], silent);
        assertTrue(Wire.awaitRejected(counters(), Reason.HEADER_TIMEOUT, 2), counters().toString());
        awaitNoPending();
        awaitNoConnections();
        try (TlsClient c = new TlsClient(tomcat.port(), v2())) { // and the next one is served
            c.handshake();
            getThenPost(c);
        }
    }

    // ---------------------------------------------------------------- pooled channels

    @Test
    void concurrentTlsConnectionsEachSeeTheirOwnHeader() throws Exception {
        start(trustingBalancer());
        int threads = 8;
        int perThread = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int port = 30000 + thread * 100 + i;
                        byte[] header = i % 2 == 0 ? ascii(Wire.v1(port)) : Wire.v2(port, false);
                        int[] cuts = i % 3 == 0 ? new int[0] : new int[] {header.length + i};
                        try (TlsClient c = new TlsClient(tomcat.port(), header, cuts)) {
                            String r = c.handshake().write(POST).readAll();
                            assertTrue(r.startsWith("HTTP/1.1 200"), r);
                            assertTrue(r.contains("remote=" + CLIENT_IP + ":" + port + "\n"), port + ": " + r);
                            assertTrue(r.contains("body=hello world\n"), r);
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * perThread, counters().getAccepted(), counters().toString());
        awaitNoPending();
        awaitNoConnections();
    }

    @Test
    void twoHundredSequentialConnectionsShowPooledChannelsForgetTheirState() throws Exception {
        start(trustingBalancer());
        byte[] clientHello = TestTls.clientHello();
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 200; i++) {
            int port = 20000 + i; // each connection's own client port: no stale header from a pooled channel
            switch (i % 4) {
                case 0, 1 -> {
                    byte[] header = i % 4 == 0 ? ascii(Wire.v1(port)) : Wire.v2(port, i % 8 == 1);
                    String r;
                    try (TlsClient c = new TlsClient(tomcat.port(), header)) {
                        r = c.handshake().write(POST).readAll();
                    }
                    assertTrue(r.startsWith("HTTP/1.1 200"), i + ": " + r);
                    assertTrue(r.contains("remote=" + CLIENT_IP + ":" + port + "\n"), i + ": " + r);
                    assertTrue(r.contains("secure=true\n"), i + ": " + r);
                    assertTrue(r.contains("body=hello world\n"), i + ": " + r);
                    assertTrue(r.contains(i % 4 == 0 ? "attr.header=ProxyHeader{v1" : "attr.tlv.alpn=h2\n"),
                            i + ": " + r);
                    if (i % 4 == 0) {
                        assertFalse(r.contains("attr.tlv."), "no TLV left from an earlier connection: " + r);
                    }
                    accepted++;
                }
                case 2 -> { // refused with the ClientHello already in the network buffer
                    byte[] bytes = i % 8 == 2 ? clientHello : concat(ascii("PROXY TCP4 1.2.3\r\n"), clientHello);
                    try (RawClient c = new RawClient(tomcat.port())) {
                        assertArrayEquals(new byte[0], c.write(bytes).readAll(), "refused " + i);
                    }
                    refused++;
                }
                default -> { // the header then half a ClientHello, and the client gives up
                    try (RawClient c = new RawClient(tomcat.port())) {
                        c.write(concat(ascii(Wire.v1(port)), java.util.Arrays.copyOf(clientHello, 40)));
                    }
                    accepted++;
                }
            }
        }
        int a = accepted;
        int r = refused;
        assertTrue(Wire.await(() -> counters().getAccepted() == a && counters().getRejected() == r, 5000),
                counters().toString());
        awaitNoPending();
        awaitNoConnections();
    }
}

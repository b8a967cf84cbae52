package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.testsupport.Digest;
import static io.github.proxyproto4j.jetty.RawClient.BALANCER_IP;
import static io.github.proxyproto4j.jetty.RawClient.CLIENT_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever follows the header reaches the next protocol byte-identical, wherever the stream is cut: a 4 KiB POST
 * body (checked by its SHA-256), a pipelined second request with its own body, an h2c prior-knowledge preface and
 * request, and a TLS ClientHello (a completed handshake proves it: the Finished messages cover the transcript).
 *
 * <p>Each stream goes out as one write, and as two writes (TCP_NODELAY, a pause between them, so two segments) cut
 * at every position from 1 to {@value #INTO_PAYLOAD} bytes into the payload ({@value #INTO_TLS_RECORD} for TLS: the
 * ClientHello's record head), for a v1 and a v2 header (with TLVs and a CRC32C).
 */
class ByteIntegrityTest {
    static final int INTO_PAYLOAD = 8;
    static final int INTO_TLS_RECORD = 5;
    private static final int PAUSE_MILLIS = 5;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    static Stream<Arguments> headers() {
        return Stream.of(Arguments.of("v1", ascii(ProxyProtocolConnectionFactoryTest.V1)),
                Arguments.of("v2 with TLVs and CRC32C", ProxyProtocolConnectionFactoryTest.v2(true)));
    }

    private static ProxyProtocolConnectionFactory trustingBalancer() {
        return new ProxyProtocolConnectionFactory(
                ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32").build());
    }

    /** [proxy, http/1.1, h2c] serving {@link DigestHandler}. */
    private JettyFixture startPlain() throws Exception {
        JettyFixture jetty = new JettyFixture(trustingBalancer(), server -> server.setHandler(new DigestHandler()));
        toClose.add(jetty);
        return jetty;
    }

    /** 0 (one write), then every cut from 1 to {@code into} bytes past the header. */
    static int[] cuts(int headerLength, int into) {
        int[] cuts = new int[headerLength + into + 1];
        for (int i = 1; i < cuts.length; i++) {
            cuts[i] = i;
        }
        return cuts;
    }

    private static void send(RawClient c, byte[] all, int cut) throws Exception {
        if (cut == 0) {
            c.write(all);
            return;
        }
        c.write(Arrays.copyOfRange(all, 0, cut));
        Thread.sleep(PAUSE_MILLIS);
        c.write(Arrays.copyOfRange(all, cut, all.length));
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] post(String path, byte[] body, boolean close) {
        return concat(ascii("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: " + body.length + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n"), body);
    }

    /** The handler saw the header's client, its destination, the path, and exactly these body bytes. */
    static void assertDigest(String digest, String path, byte[] body, String where) {
        Map<String, String> d = Digest.parse(digest);
        assertEquals(CLIENT_IP + ":40000", d.get("remote"), where + ": " + digest);
        assertEquals("192.0.2.10:9080", d.get("local"), where + ": " + digest);
        assertEquals(path, d.get("path"), where + ": " + digest);
        assertEquals(String.valueOf(body.length), d.get("length"), where + ": " + digest);
        assertEquals(Digest.sha256(body), d.get("sha256"), where + ": the body's SHA-256; " + digest);
    }

    static void assertResponse(String response, String path, byte[] body, String where) {
        assertTrue(response.startsWith("HTTP/1.1 200 "), where + ": " + response);
        assertDigest(response.substring(response.indexOf("\r\n\r\n") + 4), path, body, where);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void aPostBodyArrivesIntactAtEveryCut(String name, byte[] header) throws Exception {
        JettyFixture jetty = startPlain();
        byte[] body = random(4096, 1);
        byte[] all = concat(header, post("/d/body", body, true));
        int[] cuts = cuts(header.length, INTO_PAYLOAD);
        for (int cut : cuts) {
            try (RawClient c = new RawClient(jetty.port())) {
                send(c, all, cut);
                assertResponse(c.readResponse(), "/d/body", body, name + " cut at " + cut);
                assertTrue(c.closedByServer(), "Connection: close");
            }
        }
        assertEquals(cuts.length, jetty.proxy.getAccepted());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void aPipelinedSecondRequestArrivesIntactAtEveryCut(String name, byte[] header) throws Exception {
        JettyFixture jetty = startPlain();
        byte[] first = random(1500, 2);
        byte[] second = random(2500, 3);
        byte[] all = concat(header, post("/d/first", first, false), post("/d/second", second, true));
        int[] cuts = cuts(header.length, INTO_PAYLOAD);
        for (int cut : cuts) {
            try (RawClient c = new RawClient(jetty.port())) {
                send(c, all, cut);
                assertResponse(c.readResponse(), "/d/first", first, name + " cut at " + cut + ", first");
                assertResponse(c.readResponse(), "/d/second", second, name + " cut at " + cut + ", second");
                assertTrue(c.closedByServer(), "Connection: close on the second");
            }
        }
        assertEquals(cuts.length, jetty.proxy.getAccepted());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void anH2cPriorKnowledgePrefaceAndRequestArriveIntactAtEveryCut(String name, byte[] header) throws Exception {
        JettyFixture jetty = startPlain();
        byte[] body = random(4096, 4);
        byte[] all = concat(header, ChainsTest.H2.preface(), ChainsTest.H2.request("/d/h2c", body));
        int[] cuts = cuts(header.length, INTO_PAYLOAD);
        for (int cut : cuts) {
            try (RawClient c = new RawClient(jetty.port())) {
                send(c, all, cut);
                ChainsTest.H2.readServerPreface(c);
                assertDigest(ChainsTest.H2.readStream1(c), "/d/h2c", body, name + " cut at " + cut);
            }
        }
        assertEquals(cuts.length, jetty.proxy.getAccepted());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void aTlsClientHelloArrivesIntactAtEveryCut(String name, byte[] header) throws Exception {
        HttpConfiguration https = new HttpConfiguration();
        JettyFixture jetty = new JettyFixture(trustingBalancer(), server -> server.setHandler(new DigestHandler()),
                new SslConnectionFactory(TestTls.server(), "http/1.1"), new HttpConnectionFactory(https));
        toClose.add(jetty);
        byte[] body = random(4096, 5);
        int[] cuts = cuts(header.length, INTO_TLS_RECORD);
        cuts = Arrays.copyOf(cuts, cuts.length + 1);
        cuts[cuts.length - 1] = header.length + 60; // inside the ClientHello's body too
        javax.net.ssl.SSLSocketFactory factory = TestTls.clientContext().getSocketFactory();
        for (int cut : cuts) {
            String where = name + " cut at " + cut;
            HeaderFirstSocket plain = new HeaderFirstSocket(header, cut);
            plain.bind(new InetSocketAddress(BALANCER_IP, 0));
            plain.connect(new InetSocketAddress("127.0.0.1", jetty.port()), 5000);
            plain.setSoTimeout(10_000);
            plain.setTcpNoDelay(true);
            try (SSLSocket tls = (SSLSocket) factory.createSocket(plain, "localhost", jetty.port(), true)) {
                tls.startHandshake();
                assertEquals(0x16, plain.firstWrite()[header.length], where + ": the ClientHello followed the header");
                OutputStream out = tls.getOutputStream();
                out.write(post("/d/tls", body, true));
                out.flush();
                InputStream in = tls.getInputStream();
                assertResponse(RawClient.readResponse(in), "/d/tls", body, where);
            }
        }
        assertEquals(cuts.length, jetty.proxy.getAccepted());
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

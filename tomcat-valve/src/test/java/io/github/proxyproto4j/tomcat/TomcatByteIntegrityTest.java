package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.testsupport.Digest;
import static io.github.proxyproto4j.tomcat.RawClient.BALANCER_IP;
import static io.github.proxyproto4j.tomcat.RawClient.CLIENT_IP;
import static io.github.proxyproto4j.tomcat.Wire.ascii;
import static io.github.proxyproto4j.tomcat.Wire.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.apache.coyote.http2.Http2Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever follows the header reaches Tomcat byte-identical, wherever the stream is cut: a 4 KiB POST body (checked
 * by its SHA-256), a pipelined second request with its own body, an h2c prior-knowledge preface and request, and a
 * TLS ClientHello (a completed handshake proves it: the Finished messages cover the transcript). The twin of the
 * Jetty module's {@code ByteIntegrityTest}. One limit is Tomcat's own, with or without a header: see the h2c test.
 *
 * <p>Each stream goes out as one write, and as two writes (TCP_NODELAY, a pause between them, so two segments) cut
 * at every position from 1 to {@value #INTO_PAYLOAD} bytes into the payload ({@value #INTO_TLS_RECORD} for TLS: the
 * ClientHello's record head), for a v1 and a v2 header (with TLVs and a CRC32C).
 */
class TomcatByteIntegrityTest {
    static final int INTO_PAYLOAD = 8;
    static final int INTO_TLS_RECORD = 5;
    private static final int PAUSE_MILLIS = 5;
    /** {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n} */
    private static final int PREFACE_MAGIC = 24;

    private TomcatFixture tomcat;

    @AfterEach
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    static Stream<Arguments> headers() {
        return Stream.of(Arguments.of("v1", ascii(Wire.V1)), Arguments.of("v2 with TLVs and CRC32C", Wire.v2(true)));
    }

    /** {@link DigestServlet} on every path, h2c as an upgrade protocol, TLS when asked. */
    private TomcatFixture start(boolean tls) throws Exception {
        tomcat = new TomcatFixture(ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32").build(), true,
                f -> {
                    DigestServlet.serveEverything(f);
                    f.connector.addUpgradeProtocol(new Http2Protocol());
                    if (tls) {
                        TestTls.enable(f.connector, false);
                    }
                });
        return tomcat;
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

    /** The servlet saw the header's client, its destination, the path, and exactly these body bytes. */
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

    private long accepted() {
        return tomcat.protocol.getProxyProtocolCounters().getAccepted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void aPostBodyArrivesIntactAtEveryCut(String name, byte[] header) throws Exception {
        start(false);
        byte[] body = random(4096, 1);
        byte[] all = concat(header, post("/d/body", body, true));
        int[] cuts = cuts(header.length, INTO_PAYLOAD);
        for (int cut : cuts) {
            try (RawClient c = new RawClient(tomcat.port())) {
                send(c, all, cut);
                assertResponse(c.readResponse(), "/d/body", body, name + " cut at " + cut);
                assertTrue(c.closedByServer(), "Connection: close");
            }
        }
        assertEquals(cuts.length, accepted());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void aPipelinedSecondRequestArrivesIntactAtEveryCut(String name, byte[] header) throws Exception {
        start(false);
        byte[] first = random(1500, 2);
        byte[] second = random(2500, 3);
        byte[] all = concat(header, post("/d/first", first, false), post("/d/second", second, true));
        int[] cuts = cuts(header.length, INTO_PAYLOAD);
        for (int cut : cuts) {
            try (RawClient c = new RawClient(tomcat.port())) {
                send(c, all, cut);
                assertResponse(c.readResponse(), "/d/first", first, name + " cut at " + cut + ", first");
                assertResponse(c.readResponse(), "/d/second", second, name + " cut at " + cut + ", second");
                assertTrue(c.closedByServer(), "Connection: close on the second");
            }
        }
        assertEquals(cuts.length, accepted());
    }

    /**
     * Tomcat recognises prior-knowledge h2c only when the first read of a connection holds the whole 24-byte preface
     * magic ({@code Http11InputBuffer.parseRequestLine} looks for it only at position 0 with at least 24 bytes read);
     * otherwise it parses {@code PRI * HTTP/2.0} as an HTTP/1.1 request line and answers 400, with or without a PROXY
     * header. So where the second write starts inside those 24 bytes, Tomcat's own 400 is allowed instead of the h2
     * answer (which of the two depends on whether Tomcat's first read came before the second segment).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void anH2cPriorKnowledgePrefaceAndRequestArriveIntactAtEveryCut(String name, byte[] header) throws Exception {
        start(false);
        byte[] body = random(4096, 4);
        byte[] all = concat(header, TomcatHttp2Test.H2.preface(), TomcatHttp2Test.H2.post("/d/h2c", body));
        int[] cuts = cuts(header.length, INTO_PAYLOAD);
        int refusedByTomcat = 0;
        for (int cut : cuts) {
            String where = name + " cut at " + cut;
            int intoPayload = cut - header.length;
            try (RawClient c = new RawClient(tomcat.port())) {
                send(c, all, cut);
                byte[] first = c.input().readNBytes(9);
                if (intoPayload > 0 && intoPayload < PREFACE_MAGIC
                        && new String(first, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 ")) {
                    String rest = new String(first, StandardCharsets.ISO_8859_1) + c.readAllText();
                    assertTrue(rest.startsWith("HTTP/1.1 400 ") && !rest.contains("remote="),
                            where + ": Tomcat's own 400 for a split preface: " + rest);
                    refusedByTomcat++;
                    continue;
                }
                assertTrue(first.length == 9 && first[3] == TomcatHttp2Test.H2.SETTINGS && (first[4] & 1) == 0,
                        where + ": the server's first frame is SETTINGS: " + java.util.HexFormat.of().formatHex(first)
                                + new String(first, StandardCharsets.ISO_8859_1));
                c.input().readNBytes((first[0] & 0xFF) << 16 | (first[1] & 0xFF) << 8 | first[2] & 0xFF);
                c.write(TomcatHttp2Test.H2.frame(TomcatHttp2Test.H2.SETTINGS, 1, 0, new byte[0]));
                assertDigest(TomcatHttp2Test.H2.readStream1(c), "/d/h2c", body, where);
            }
        }
        assertEquals(cuts.length, accepted());
        assertTrue(refusedByTomcat <= Math.min(INTO_PAYLOAD, PREFACE_MAGIC - 1), "only cuts inside the magic");
        System.out.printf("h2c %s: %d streams, %d served over h2, %d answered 400 by Tomcat (split preface)%n", name,
                cuts.length, cuts.length - refusedByTomcat, refusedByTomcat);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void aTlsClientHelloArrivesIntactAtEveryCut(String name, byte[] header) throws Exception {
        start(true);
        SSLContext context = TestTls.clientContext();
        byte[] body = random(4096, 5);
        int[] cuts = cuts(header.length, INTO_TLS_RECORD);
        cuts = Arrays.copyOf(cuts, cuts.length + 1);
        cuts[cuts.length - 1] = header.length + 60; // inside the ClientHello's body too
        for (int cut : cuts) {
            String where = name + " cut at " + cut;
            try (TlsClient c = new TlsClient(BALANCER_IP, tomcat.port(), context, header,
                    cut == 0 ? new int[0] : new int[] {cut})) {
                c.handshake();
                assertEquals(0x16, c.firstWrite()[header.length], where + ": the ClientHello followed the header");
                c.socket().getOutputStream().write(post("/d/tls", body, true));
                c.socket().getOutputStream().flush();
                assertResponse(c.readResponse(), "/d/tls", body, where);
            }
        }
        assertEquals(cuts.length, accepted());
    }
}

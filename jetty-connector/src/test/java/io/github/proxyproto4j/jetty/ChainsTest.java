package io.github.proxyproto4j.jetty;

import static io.github.proxyproto4j.jetty.RawClient.BALANCER_IP;
import static io.github.proxyproto4j.jetty.RawClient.CLIENT_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V1;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V2;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The factory in front of the protocol chains people deploy: cleartext HTTP/2 (prior knowledge and upgrade), TLS
 * terminated by Jetty after the header (HTTP/1.1 and h2 by ALPN, the header and the ClientHello in one segment or
 * cut anywhere), and a Unix-domain connector.
 */
class ChainsTest {
    static final String V1_LINE = "PROXY TCP4 127.0.0.42 192.0.2.10 40000 9080\r\n";
    static final String POST = "POST /tls HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 11\r\nConnection: close\r\n\r\nhello world";

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(toClose);
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private static ProxyProtocolConnectionFactory trustingBalancer() {
        return new ProxyProtocolConnectionFactory(
                ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32").build());
    }

    private JettyFixture start(JettyFixture fixture) {
        toClose.add(fixture);
        return fixture;
    }

    /** A Jetty client whose sockets bind the balancer's address. */
    private HttpClient client(HttpClientTransport transport, boolean tls) throws Exception {
        HttpClient client = new HttpClient(transport);
        client.setBindAddress(new InetSocketAddress(BALANCER_IP, 0));
        if (tls) {
            client.setSslContextFactory(TestTls.jettyClient());
        }
        client.start();
        toClose.add(client::stop);
        return client;
    }

    private static void assertClient(String body) {
        assertTrue(body.contains("remote=" + CLIENT_IP + ":40000\n"), body);
    }

    // ---- [proxy, http/1.1, h2c]

    @Test
    void h2cByPriorKnowledgeConcurrentStreamsOnOneConnectionAllSeeTheClient() throws Exception {
        int streams = 6;
        CountDownLatch allArrived = new CountDownLatch(streams);
        AtomicBoolean concurrent = new AtomicBoolean(true);
        Handler waitForAll = new Handler.Wrapper(new EchoHandler()) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                allArrived.countDown();
                if (!allArrived.await(10, TimeUnit.SECONDS)) {
                    concurrent.set(false);
                }
                return super.handle(request, response, callback);
            }
        };
        JettyFixture jetty = start(new JettyFixture(trustingBalancer(), server -> server.setHandler(waitForAll)));
        HttpClient client = client(new HttpClientTransportOverHTTP2(new HTTP2Client()), false);
        client.setMaxConnectionsPerDestination(1);

        List<CompletableFuture<ContentResponse>> responses = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            responses.add(new CompletableResponseListener(client.newRequest("127.0.0.1", jetty.port())
                    .path("/s" + i).tag(new V1.Tag(CLIENT_IP, 40000)).timeout(20, TimeUnit.SECONDS)).send());
        }
        for (int i = 0; i < streams; i++) {
            ContentResponse r = responses.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(200, r.getStatus());
            assertEquals(HttpVersion.HTTP_2, r.getVersion());
            String body = r.getContentAsString();
            assertClient(body);
            assertTrue(body.contains("path=/s" + i + "\n"), body);
            assertTrue(body.contains("protocol=HTTP/2.0\n"), body);
            assertTrue(body.contains("attr.proxy.address=127.0.0.1\n"), body);
        }
        assertTrue(concurrent.get(), "all streams were in the handler at the same time");
        assertEquals(1, jetty.proxy.getAccepted(), "one connection, one header, " + streams + " streams");
    }

    @Test
    void proxyThenH2cFirstServesPriorKnowledgeClients() throws Exception {
        // [proxy, h2c, http/1.1]: the factory upgrades to the one after it, here h2c.
        HttpConfiguration http = new HttpConfiguration();
        JettyFixture jetty = start(new JettyFixture(trustingBalancer(),
                // h2c with its own HttpConfiguration: the request customizer must reach it too
                server -> { }, new HTTP2CServerConnectionFactory(new HttpConfiguration()), new HttpConnectionFactory(http)));
        HttpClient client = client(new HttpClientTransportOverHTTP2(new HTTP2Client()), false);
        ContentResponse r = client.newRequest("127.0.0.1", jetty.port()).path("/first")
                .tag(new V1.Tag(CLIENT_IP, 40000)).timeout(20, TimeUnit.SECONDS).send();
        assertEquals(HttpVersion.HTTP_2, r.getVersion());
        assertClient(r.getContentAsString());
        assertTrue(r.getContentAsString().contains("attr.proxy.address=127.0.0.1\n"), r.getContentAsString());
    }

    @Test
    void h2cByUpgradeFromHttp11SeesTheClient() throws Exception {
        JettyFixture jetty = start(new JettyFixture(trustingBalancer()));
        byte[] settings = {0, 3, 0, 0, 0, 100, 0, 2, 0, 0, 0, 0}; // max streams 100, no push
        String upgrade = "GET /up HTTP/1.1\r\nHost: test\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: " + Base64.getUrlEncoder().withoutPadding().encodeToString(settings) + "\r\n\r\n";
        try (RawClient c = new RawClient(jetty.port())) {
            String head = c.write(V1_LINE + upgrade).readResponse();
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            c.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").write(H2.frame(H2.SETTINGS, 0, 0, new byte[0]));
            String body = H2.readStream1(c);
            assertClient(body);
            assertTrue(body.contains("path=/up\n"), body);
            assertTrue(body.contains("protocol=HTTP/2.0\n"), body);
        }
        assertEquals(1, jetty.proxy.getAccepted());
    }

    // ---- [proxy, ssl, alpn, h2, http/1.1]

    private JettyFixture startTls() throws Exception {
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer(false));
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol("http/1.1");
        return start(new JettyFixture(trustingBalancer(),
                new SslConnectionFactory(TestTls.server(), alpn.getProtocol()), alpn,
                new HTTP2ServerConnectionFactory(https), new HttpConnectionFactory(https)));
    }

    private static void assertTlsClient(String body, String protocol, String content) {
        assertClient(body);
        assertTrue(body.contains("secure=true\n"), body);
        assertTrue(body.contains("scheme=https\n"), body);
        assertTrue(body.contains("protocol=" + protocol + "\n"), body);
        assertTrue(body.contains("body=" + content + "\n"), body);
        assertTrue(body.contains("attr.proxy.address=127.0.0.1\n"), body);
    }

    @Test
    void http11OverTlsAfterTheHeader() throws Exception {
        JettyFixture jetty = startTls();
        HttpClient client = client(new HttpClientTransportOverHTTP(), true);
        ContentResponse r = client.newRequest("127.0.0.1", jetty.port()).scheme("https").method(HttpMethod.POST)
                .path("/h1").body(new StringRequestContent("over tls")).tag(new V1.Tag(CLIENT_IP, 40000))
                .timeout(20, TimeUnit.SECONDS).send();
        assertEquals(200, r.getStatus());
        assertEquals(HttpVersion.HTTP_1_1, r.getVersion());
        assertTlsClient(r.getContentAsString(), "HTTP/1.1", "over tls");
    }

    @Test
    void h2OverAlpnAfterTheHeader() throws Exception {
        JettyFixture jetty = startTls();
        HttpClient client = client(new HttpClientTransportOverHTTP2(new HTTP2Client()), true);
        ContentResponse r = client.newRequest("127.0.0.1", jetty.port()).scheme("https").method(HttpMethod.POST)
                .path("/h2").body(new StringRequestContent("over h2")).tag(new V2.Tag(CLIENT_IP, 40000))
                .timeout(20, TimeUnit.SECONDS).send();
        assertEquals(200, r.getStatus());
        assertEquals(HttpVersion.HTTP_2, r.getVersion());
        assertTlsClient(r.getContentAsString(), "HTTP/2.0", "over h2");
    }

    static byte[] v2Header() {
        return ProxyHeaderEncoder.encodeV2(ProxyHeader.builder()
                .addresses(new InetSocketAddress(CLIENT_IP, 40000), new InetSocketAddress("192.0.2.10", 443))
                .authority("localhost").build(), true);
    }

    /** TLS over a socket whose first write is the header plus the ClientHello (cut at {@code cut}, 0 = not cut). */
    private static String tlsRoundTrip(int port, byte[] header, int cut) throws Exception {
        HeaderFirstSocket plain = new HeaderFirstSocket(header, cut);
        plain.bind(new InetSocketAddress(BALANCER_IP, 0));
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        plain.setSoTimeout(10_000);
        plain.setTcpNoDelay(true);
        try (SSLSocket tls = (SSLSocket) TestTls.clientContext().getSocketFactory()
                .createSocket(plain, "localhost", port, true)) {
            tls.startHandshake();
            byte[] first = plain.firstWrite();
            assertEquals(0x16, first[header.length], "the header's write carried the TLS handshake record after it");
            OutputStream out = tls.getOutputStream();
            out.write(POST.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = tls.getInputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    all.write(buf, 0, n);
                }
            } catch (SSLException | SocketException closed) {
                // the server closed after the response without close_notify: what arrived counts
            }
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void theHeaderAndTheClientHelloInOneWrite() throws Exception {
        JettyFixture jetty = startTls();
        for (byte[] header : List.of(V1_LINE.getBytes(StandardCharsets.US_ASCII), v2Header())) {
            String r = tlsRoundTrip(jetty.port(), header, 0);
            assertTrue(r.startsWith("HTTP/1.1 200"), r);
            assertTlsClient(r, "HTTP/1.1", "hello world");
        }
        assertTrue(tlsRoundTrip(jetty.port(), v2Header(), 0).contains("attr.tlv.authority=localhost\n"));
        assertEquals(3, jetty.proxy.getAccepted());
    }

    static Stream<Arguments> cuts() {
        List<Arguments> out = new ArrayList<>();
        for (byte[] header : List.of(V1_LINE.getBytes(StandardCharsets.US_ASCII), v2Header())) {
            String name = header[0] == 'P' ? "v1" : "v2";
            int n = header.length;
            for (int cut : new int[] {1, 13, n - 1, n, n + 1, n + 5, n + 60}) {
                out.add(Arguments.of(name, header, cut));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} cut at {2}")
    @MethodSource("cuts")
    void theHeaderAndTheClientHelloCutAnywhere(String name, byte[] header, int cut) throws Exception {
        JettyFixture jetty = startTls();
        String r = tlsRoundTrip(jetty.port(), header, cut);
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertTlsClient(r, "HTTP/1.1", "hello world");
    }

    // ---- Unix domain socket, [proxy, http/1.1]

    @Test
    void aUnixDomainPeerIsTrustedAndItsHeaderApplies() throws Exception {
        Path dir = Files.createTempDirectory("pp4j");
        Path socket = dir.resolve("s.sock");
        toClose.add(() -> {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        });
        ProxyProtocolConnectionFactory proxy = new ProxyProtocolConnectionFactory(
                ProxyProtocolConfig.builder().trustedProxies("10.0.0.0/8").build());
        Server server = new Server();
        UnixDomainServerConnector uds = new UnixDomainServerConnector(server, proxy, new HttpConnectionFactory());
        uds.setUnixDomainPath(socket);
        server.addConnector(uds);
        server.setHandler(new EchoHandler());
        server.start();
        toClose.add(server::stop);

        String r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap((V1_LINE + ProxyProtocolConnectionFactoryTest.GET)
                        .getBytes(StandardCharsets.ISO_8859_1)));
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(4096);
                try {
                    while (ch.read(buf) >= 0) {
                        all.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                } catch (IOException reset) {
                    // what arrived counts
                }
                return all.toString(StandardCharsets.UTF_8);
            }
        });
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertClient(r);
        assertTrue(r.contains("local=192.0.2.10:9080\n"), r);
        // Jetty gives the accepted channel's remote address: an unbound client's is the empty path
        assertTrue(r.contains("attr.proxy.address=\n"), r);
        assertTrue(!r.contains("attr.proxy.port="), r);
        assertEquals(1, proxy.getAccepted());
    }

    /** Just enough HTTP/2 framing to read one response after an h2c upgrade. */
    static final class H2 {
        static final int DATA = 0;
        static final int HEADERS = 1;
        static final int SETTINGS = 4;
        static final int GOAWAY = 7;

        static byte[] frame(int type, int flags, int stream, byte[] payload) {
            ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
            b.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
            b.put((byte) type).put((byte) flags).putInt(stream).put(payload);
            return b.array();
        }

        /**
         * A request as stream 1, HPACK without Huffman or indexing: :method (GET or POST from the static table), :scheme
         * http, then :path and :authority as literals with indexed names; a POST's body follows in one DATA frame.
         */
        static byte[] request(String path, byte[] body) {
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            block.write(body == null ? 0x82 : 0x83); // :method GET / POST
            block.write(0x86); // :scheme http
            for (Object[] field : new Object[][] {{4, path}, {1, "localhost"}}) { // :path, :authority
                byte[] v = ((String) field[1]).getBytes(StandardCharsets.ISO_8859_1);
                block.write((Integer) field[0]); // literal without indexing, indexed name (index < 15)
                block.write(v.length); // no Huffman, length < 127
                block.write(v, 0, v.length);
            }
            byte[] headers = frame(HEADERS, body == null ? 0x5 : 0x4, 1, block.toByteArray()); // END_HEADERS (END_STREAM)
            if (body == null) {
                return headers;
            }
            byte[] data = frame(DATA, 0x1, 1, body); // END_STREAM
            byte[] all = new byte[headers.length + data.length];
            System.arraycopy(headers, 0, all, 0, headers.length);
            System.arraycopy(data, 0, all, headers.length, data.length);
            return all;
        }

        /** The client preface and an empty SETTINGS frame. */
        static byte[] preface() {
            byte[] magic = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            byte[] settings = frame(SETTINGS, 0, 0, new byte[0]);
            byte[] all = new byte[magic.length + settings.length];
            System.arraycopy(magic, 0, all, 0, magic.length);
            System.arraycopy(settings, 0, all, magic.length, settings.length);
            return all;
        }

        /** Reads the server's first frame, which must be a SETTINGS frame (its preface), and acknowledges it. */
        static void readServerPreface(RawClient c) throws IOException {
            InputStream in = c.input();
            byte[] head = in.readNBytes(9);
            if (head.length < 9 || head[3] != SETTINGS || (head[4] & 1) != 0) {
                throw new IOException("the server's first frame is not SETTINGS: " + java.util.HexFormat.of().formatHex(head));
            }
            in.readNBytes((head[0] & 0xFF) << 16 | (head[1] & 0xFF) << 8 | head[2] & 0xFF);
            c.write(frame(SETTINGS, 1, 0, new byte[0]));
        }

        /** Reads frames, acknowledging SETTINGS, until stream 1 ends; returns its DATA as text. */
        static String readStream1(RawClient c) throws IOException {
            InputStream in = c.input();
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            while (true) {
                byte[] head = in.readNBytes(9);
                if (head.length < 9) {
                    throw new IOException("EOF before the end of stream 1; data so far: " + data);
                }
                int length = (head[0] & 0xFF) << 16 | (head[1] & 0xFF) << 8 | head[2] & 0xFF;
                int type = head[3] & 0xFF;
                int flags = head[4] & 0xFF;
                int stream = ByteBuffer.wrap(head, 5, 4).getInt() & 0x7FFFFFFF;
                byte[] payload = in.readNBytes(length);
                if (type == SETTINGS && (flags & 1) == 0) {
                    c.write(frame(SETTINGS, 1, 0, new byte[0]));
                } else if (type == GOAWAY) {
                    throw new IOException("GOAWAY: " + new String(payload, StandardCharsets.ISO_8859_1));
                } else if (type == DATA && stream == 1) {
                    int pad = (flags & 0x8) != 0 ? payload[0] & 0xFF : -1;
                    data.write(payload, pad < 0 ? 0 : 1, payload.length - (pad < 0 ? 0 : 1 + pad));
                }
                if ((type == DATA || type == HEADERS) && stream == 1 && (flags & 1) != 0) {
                    return data.toString(StandardCharsets.UTF_8);
                }
            }
        }
    }
}

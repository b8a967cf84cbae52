package io.github.proxyproto4j.tomcat;

import static io.github.proxyproto4j.tomcat.RawClient.BALANCER_IP;
import static io.github.proxyproto4j.tomcat.RawClient.CLIENT_IP;
import static io.github.proxyproto4j.tomcat.Wire.V1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLParameters;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.websocket.server.WsSci;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V1;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V2;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 and WebSocket on a PROXY protocol connector: h2 by ALPN over the app's own TLS after the header, h2c by
 * prior knowledge and by {@code Upgrade: h2c}, concurrent streams of one connection, and a WebSocket upgrade. The
 * header is read once per connection; every stream and the WebSocket handshake see its client. The senders are
 * Jetty's HTTP/2 client with its PROXY protocol tags ({@code V1.Tag}, {@code V2.Tag}) and raw sockets.
 */
class TomcatHttp2Test {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(toClose);
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private static ProxyProtocolConfig trustingBalancer() {
        return ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32").build();
    }

    private TomcatFixture start(boolean tls, TomcatFixture.BeforeStart more) throws Exception {
        TomcatFixture t = new TomcatFixture(trustingBalancer(), true, f -> {
            f.connector.addUpgradeProtocol(new Http2Protocol());
            if (tls) {
                TestTls.enable(f.connector, false);
            }
            more.accept(f);
        });
        toClose.add(t);
        return t;
    }

    private TomcatFixture start(boolean tls) throws Exception {
        return start(tls, f -> { });
    }

    /** Jetty's HTTP/2 client, its sockets bound to the balancer's address. */
    private HttpClient h2Client(boolean tls) throws Exception {
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.setBindAddress(new InetSocketAddress(BALANCER_IP, 0));
        if (tls) {
            SslContextFactory.Client ssl = new SslContextFactory.Client();
            ssl.setSslContext(TestTls.clientContext());
            client.setSslContextFactory(ssl);
        }
        client.setMaxConnectionsPerDestination(1);
        client.start();
        toClose.add(client::stop);
        return client;
    }

    private static void assertStream(String body, String path, boolean secure) {
        assertTrue(body.contains("remote=" + CLIENT_IP + ":40000\n"), body);
        assertTrue(body.contains("protocol=HTTP/2.0\n"), body);
        assertTrue(body.contains("path=" + path + "\n"), body);
        assertTrue(body.contains("secure=" + secure + "\n"), body);
        assertTrue(body.contains("scheme=" + (secure ? "https" : "http") + "\n"), body);
        assertTrue(body.contains("attr.proxy.address=127.0.0.1\n"), body);
    }

    // ---------------------------------------------------------------- h2 by ALPN over the app's TLS

    @Test
    void h2ByAlpnAfterTheHeader() throws Exception {
        TomcatFixture t = start(true);
        HttpClient client = h2Client(true);
        ContentResponse get = client.newRequest("127.0.0.1", t.port()).scheme("https").path("/get")
                .tag(new V1.Tag(CLIENT_IP, 40000)).timeout(20, TimeUnit.SECONDS).send();
        assertEquals(200, get.getStatus());
        assertEquals(HttpVersion.HTTP_2, get.getVersion());
        assertStream(get.getContentAsString(), "/get", true);
        assertTrue(get.getContentAsString().contains("attr.header=ProxyHeader{v1"), get.getContentAsString());

        ContentResponse post = client.newRequest("127.0.0.1", t.port()).scheme("https").method(HttpMethod.POST)
                .path("/post").body(new StringRequestContent("over h2")).tag(new V2.Tag(CLIENT_IP, 40000))
                .timeout(20, TimeUnit.SECONDS).send();
        assertEquals(200, post.getStatus());
        assertEquals(HttpVersion.HTTP_2, post.getVersion());
        assertStream(post.getContentAsString(), "/post", true);
        assertTrue(post.getContentAsString().contains("body=over h2\n"), post.getContentAsString());
        assertTrue(post.getContentAsString().contains("attr.header=ProxyHeader{v2"), post.getContentAsString());
        assertEquals(2, t.protocol.getProxyProtocolCounters().getAccepted(), "a connection per tag");
    }

    // ---------------------------------------------------------------- concurrent streams on one connection

    /** Holds every request until {@code streams} of them are in the servlet at once. */
    private static final class Rendezvous extends EchoServlet {
        private static final long serialVersionUID = 1L;
        final transient CountDownLatch allArrived;
        final AtomicBoolean concurrent = new AtomicBoolean(true);

        Rendezvous(int streams) {
            allArrived = new CountDownLatch(streams);
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            allArrived.countDown();
            try {
                if (!allArrived.await(10, TimeUnit.SECONDS)) {
                    concurrent.set(false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.service(req, resp);
        }
    }

    private void concurrentStreams(boolean tls) throws Exception {
        int streams = 6;
        Rendezvous rendezvous = new Rendezvous(streams);
        TomcatFixture t = start(tls, f -> {
            org.apache.catalina.startup.Tomcat.addServlet(f.context, "rendezvous", rendezvous);
            f.context.addServletMappingDecoded("/s/*", "rendezvous");
        });
        HttpClient client = h2Client(tls);
        List<CompletableFuture<ContentResponse>> responses = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            Request request = client.newRequest("127.0.0.1", t.port()).scheme(tls ? "https" : "http")
                    .path("/s/" + i).tag(new V1.Tag(CLIENT_IP, 40000)).timeout(20, TimeUnit.SECONDS);
            responses.add(new CompletableResponseListener(request).send());
        }
        for (int i = 0; i < streams; i++) {
            ContentResponse r = responses.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(200, r.getStatus());
            assertEquals(HttpVersion.HTTP_2, r.getVersion());
            assertStream(r.getContentAsString(), "/s/" + i, tls);
        }
        assertTrue(rendezvous.concurrent.get(), "all streams were in the servlet at the same time");
        assertEquals(1, t.protocol.getProxyProtocolCounters().getAccepted(),
                "one connection, one header, " + streams + " streams");
    }

    @Test
    void concurrentH2StreamsOverTlsAllSeeTheClient() throws Exception {
        concurrentStreams(true);
    }

    @Test
    void concurrentH2cStreamsByPriorKnowledgeAllSeeTheClient() throws Exception {
        concurrentStreams(false);
    }

    // ---------------------------------------------------------------- h2c by upgrade

    @Test
    void h2cByUpgradeFromHttp11SeesTheClient() throws Exception {
        TomcatFixture t = start(false);
        byte[] settings = {0, 3, 0, 0, 0, 100, 0, 2, 0, 0, 0, 0}; // max streams 100, no push
        String upgrade = "GET /up HTTP/1.1\r\nHost: test\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: " + Base64.getUrlEncoder().withoutPadding().encodeToString(settings) + "\r\n\r\n";
        try (RawClient c = new RawClient(t.port())) {
            String head = c.write(V1 + upgrade).readResponse();
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            assertTrue(head.toLowerCase().contains("upgrade: h2c"), head);
            c.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").write(H2.frame(H2.SETTINGS, 0, 0, new byte[0]));
            String body = H2.readStream1(c);
            assertStream(body, "/up", false);
        }
        assertEquals(1, t.protocol.getProxyProtocolCounters().getAccepted());
    }

    /** Just enough HTTP/2 framing to read one response after an h2c upgrade. */
    static final class H2 {
        static final int DATA = 0;
        static final int HEADERS = 1;
        static final int RST_STREAM = 3;
        static final int SETTINGS = 4;
        static final int GOAWAY = 7;

        static byte[] frame(int type, int flags, int stream, byte[] payload) {
            ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
            b.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
            b.put((byte) type).put((byte) flags).putInt(stream).put(payload);
            return b.array();
        }

        /**
         * A GET of {@code path} as stream 1, HPACK without Huffman or indexing: the static table's :method GET, then
         * :scheme, :path and :authority as literals with indexed names.
         */
        static byte[] get(String path, boolean https) {
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            block.write(0x82); // :method GET
            block.write(https ? 0x87 : 0x86); // :scheme https / http
            literal(block, 4, path); // :path
            literal(block, 1, "localhost"); // :authority
            return frame(HEADERS, 0x5, 1, block.toByteArray()); // END_STREAM | END_HEADERS
        }

        /** A POST of {@code body} to {@code path} as stream 1 over h2c: HEADERS as in {@link #get}, then one DATA frame. */
        static byte[] post(String path, byte[] body) {
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            block.write(0x83); // :method POST
            block.write(0x86); // :scheme http
            literal(block, 4, path); // :path
            literal(block, 1, "localhost"); // :authority
            return Wire.concat(frame(HEADERS, 0x4, 1, block.toByteArray()), // END_HEADERS
                    frame(DATA, 0x1, 1, body)); // END_STREAM
        }

        private static void literal(ByteArrayOutputStream block, int nameIndex, String value) {
            byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
            block.write(nameIndex); // literal header field without indexing, indexed name (index < 15)
            block.write(v.length); // no Huffman, length < 127
            block.write(v, 0, v.length);
        }

        /** The client preface and an empty SETTINGS frame. */
        static byte[] preface() {
            return Wire.concat(Wire.ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), frame(SETTINGS, 0, 0, new byte[0]));
        }

        static String readStream1(RawClient c) throws IOException {
            return readStream1(c.input(), bytes -> c.write(bytes));
        }

        /** Something to write frames to. */
        interface Out {
            void write(byte[] bytes) throws IOException;
        }

        /** Reads frames, acknowledging SETTINGS, until stream 1 ends; returns its DATA as text. */
        static String readStream1(InputStream in, Out c) throws IOException {
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
                } else if (type == GOAWAY || type == RST_STREAM && stream == 1) {
                    throw new IOException("frame type " + type + ": " + new String(payload, StandardCharsets.ISO_8859_1));
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

    @Test
    void h2cByPriorKnowledgeWithThePrefaceAndRequestInTheHeadersSegment() throws Exception {
        TomcatFixture t = start(false);
        try (RawClient c = new RawClient(t.port())) {
            c.write(Wire.concat(Wire.v2(40000, true), H2.preface(), H2.get("/raw", false))); // one segment
            assertStream(H2.readStream1(c), "/raw", false);
        }
        assertEquals(1, t.protocol.getProxyProtocolCounters().getAccepted());
    }

    @Test
    void h2ByAlpnWithTheHeaderAndTheClientHelloInOneWrite() throws Exception {
        TomcatFixture t = start(true);
        for (byte[] header : List.of(Wire.ascii(V1), Wire.v2(40000, true))) {
            try (TlsClient c = new TlsClient(t.port(), header)) {
                SSLParameters params = c.socket().getSSLParameters();
                params.setApplicationProtocols(new String[] {"h2"});
                c.socket().setSSLParameters(params);
                c.handshake();
                assertEquals(0x16, c.firstWrite()[header.length], "the ClientHello came in the header's write");
                assertEquals("h2", c.socket().getApplicationProtocol(), "Tomcat's ALPN chose h2");
                OutputStream out = c.socket().getOutputStream();
                out.write(Wire.concat(H2.preface(), H2.get("/alpn", true)));
                out.flush();
                String body = H2.readStream1(c.socket().getInputStream(), bytes -> {
                    out.write(bytes);
                    out.flush();
                });
                assertStream(body, "/alpn", true);
            }
        }
        assertEquals(2, t.protocol.getProxyProtocolCounters().getAccepted());
    }

    // ---------------------------------------------------------------- WebSocket

    /** Echoes text messages. */
    public static final class EchoEndpoint extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                try {
                    session.getBasicRemote().sendText("echo:" + text);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void aWebSocketUpgradeSeesTheClient() throws Exception {
        BlockingQueue<String> handshakeRemotes = new LinkedBlockingQueue<>();
        // Tomcat's WebSocket SCI, then ours: the echo endpoint, and a filter ahead of WsFilter noting the
        // handshake request's remote address.
        ServletContainerInitializer register = (classes, ctx) -> {
            ServerContainer container = (ServerContainer) ctx.getAttribute(ServerContainer.class.getName());
            try {
                container.addEndpoint(ServerEndpointConfig.Builder.create(EchoEndpoint.class, "/ws/echo").build());
            } catch (jakarta.websocket.DeploymentException e) {
                throw new jakarta.servlet.ServletException(e);
            }
            Filter capture = (req, res, chain) -> {
                handshakeRemotes.add(req.getRemoteAddr() + ":" + req.getRemotePort());
                chain.doFilter(req, res);
            };
            ctx.addFilter("capture", capture).addMappingForUrlPatterns(null, false, "/ws/*");
        };
        TomcatFixture t = start(false, f -> {
            f.context.addServletContainerInitializer(new WsSci(), null);
            f.context.addServletContainerInitializer(register, null);
        });
        String upgrade = "GET /ws/echo HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        try (RawClient c = new RawClient(t.port())) {
            String head = c.write(V1 + upgrade).readResponse();
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            assertTrue(head.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), head); // RFC 6455's example key and accept
            String remote = handshakeRemotes.poll(10, TimeUnit.SECONDS);
            assertNotNull(remote, "the handshake request went through the filter");
            assertEquals(CLIENT_IP + ":40000", remote);

            // the upgraded connection works: a masked text frame, and its echo
            byte[] text = "hi".getBytes(StandardCharsets.UTF_8);
            byte[] mask = {1, 2, 3, 4};
            byte[] frame = new byte[6 + text.length];
            frame[0] = (byte) 0x81;
            frame[1] = (byte) (0x80 | text.length);
            System.arraycopy(mask, 0, frame, 2, 4);
            for (int i = 0; i < text.length; i++) {
                frame[6 + i] = (byte) (text[i] ^ mask[i % 4]);
            }
            c.write(frame);
            byte[] expected = "echo:hi".getBytes(StandardCharsets.UTF_8);
            byte[] reply = c.input().readNBytes(2 + expected.length);
            assertEquals((byte) 0x81, reply[0]);
            assertEquals(expected.length, reply[1]);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(reply, 2, reply.length));
        }
        assertEquals(1, t.protocol.getProxyProtocolCounters().getAccepted());
    }
}

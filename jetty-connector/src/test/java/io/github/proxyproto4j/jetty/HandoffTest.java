package io.github.proxyproto4j.jetty;

import static io.github.proxyproto4j.jetty.RawClient.BALANCER_IP;
import static io.github.proxyproto4j.jetty.RawClient.CLIENT_IP;
import static io.github.proxyproto4j.jetty.RawClient.STRANGER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The handover to the next protocol when the header and more than the read buffer arrive in one write: every
 * byte after the header must reach HTTP/1.1, TLS and h2c, whatever the buffer size, and no pooled buffer may
 * outlive its connection (Jetty's leak-tracking pool). A stall shows as a socket timeout (hang guard).
 */
class HandoffTest {
    private static final int HANG_GUARD_MILLIS = 20_000;
    private static final byte[] V1 = "PROXY TCP4 127.0.0.42 192.0.2.10 40000 9080\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private Server server;
    private ServerConnector connector;
    private ProxyProtocolConnectionFactory proxy;
    private ArrayByteBufferPool.Tracking pool;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
            assertTrue(pool.getLeaks().isEmpty(), () -> "leaked after stop: " + pool.dumpLeaks());
        }
    }

    // ---- HTTP/1.1

    /**
     * Our read buffer against HTTP/1.1's: a read larger than HTTP's buffer would hand over more than it can take
     * (it drops the excess) and the request would wait for body bytes that were already sent.
     */
    @ParameterizedTest(name = "ours {0}, http {1}")
    @CsvSource({"512, 8192", "8192, 8192", "16384, 8192", "65536, 8192", "8192, 1024", "8192, 600"})
    void aPostBodyLargerThanTheBufferInTheHeadersWrite(int bufferSize, int httpBufferSize) throws Exception {
        HttpConnectionFactory http = new HttpConnectionFactory(new HttpConfiguration());
        http.setInputBufferSize(httpBufferSize);
        start(bufferSize, config(), http);
        byte[] body = randomBytes(64 * 1024);
        byte[] request = concat(V1, ("POST /digest HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body);
        try (RawClient c = new RawClient(port())) {
            String r = c.write(request).readResponse(); // one write() call: header, request and body
            assertTrue(r.startsWith("HTTP/1.1 200"), r);
            assertDigest(r, body);
        }
        assertNoLeakOnceClosed();
        assertEquals(1, proxy.getAccepted());
    }

    /** Mixed mode: a direct client's bytes read for detection are handed over just the same. */
    @ParameterizedTest(name = "ours {0}, http {1}")
    @CsvSource({"512, 8192", "65536, 8192", "8192, 1024"})
    void aDirectClientsPostLargerThanTheBufferInOneWrite(int bufferSize, int httpBufferSize) throws Exception {
        HttpConnectionFactory http = new HttpConnectionFactory(new HttpConfiguration());
        http.setInputBufferSize(httpBufferSize);
        start(bufferSize, ProxyProtocolConfig.builder().mode(ProxyProtocolMode.MIXED)
                .trustedProxies(BALANCER_IP + "/32").build(), http);
        byte[] body = randomBytes(64 * 1024);
        byte[] request = concat(("POST /digest HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body);
        try (RawClient c = new RawClient(STRANGER_IP, port())) {
            String r = c.write(request).readResponse();
            assertTrue(r.startsWith("HTTP/1.1 200"), r);
            assertTrue(r.contains("length=" + body.length + "\n"), r);
            assertTrue(r.contains("sha256=" + sha256(body) + "\n"), r);
            assertTrue(r.contains("remote=" + STRANGER_IP + "\n"), r);
        }
        assertNoLeakOnceClosed();
        assertEquals(1, proxy.getDirect());
    }

    @ParameterizedTest(name = "buffer {0}")
    @ValueSource(ints = {512, 8192})
    void pipelinedRequestsLargerThanTheBufferInTheHeadersWrite(int bufferSize) throws Exception {
        start(bufferSize, config(), plainHttp());
        byte[] body = randomBytes(3000);
        byte[] one = concat(("POST /digest HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body);
        byte[] request = concat(V1, one, one, one, one);
        try (RawClient c = new RawClient(port())) {
            c.write(request);
            for (int i = 0; i < 4; i++) {
                String r = c.readResponse();
                assertTrue(r.startsWith("HTTP/1.1 200"), r);
                assertDigest(r, body);
            }
        }
        assertNoLeakOnceClosed();
    }

    // ---- TLS after the header

    /**
     * A v1 header and the ClientHello in one write; with a small buffer, Jetty's TLS gets part of the ClientHello
     * from us and must read the rest, already waiting in the socket, itself.
     */
    @ParameterizedTest(name = "buffer {0}")
    @ValueSource(ints = {512, 8192})
    void theHeaderAndTheClientHelloInOneWrite(int bufferSize) throws Exception {
        start(bufferSize, config(), new SslConnectionFactory(TestTls.server(), "http/1.1"),
                new HttpConnectionFactory(new HttpConfiguration()));
        byte[] body = randomBytes(20_000);
        String r = tlsPost(V1, body, 0);
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertDigest(r, body);
        assertNoLeakOnceClosed();
    }

    /**
     * A v2 header padded to end 100 bytes before the buffer does, so that the ClientHello straddles the buffer's
     * end whatever the ClientHello's size, behind the chain [proxy, ssl, alpn, h2, http/1.1] as well.
     */
    @ParameterizedTest(name = "buffer {0}, alpn {1}")
    @CsvSource({"512, false", "512, true", "1024, true", "8192, false", "8192, true"})
    void aClientHelloStraddlingTheBuffersEnd(int bufferSize, boolean alpn) throws Exception {
        ProxyProtocolConfig big = ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32")
                .maxHeaderSize(65535).maxTlvSize(16_000).build();
        if (alpn) {
            HttpConfiguration https = new HttpConfiguration();
            ALPNServerConnectionFactory negotiation = new ALPNServerConnectionFactory("h2", "http/1.1");
            negotiation.setDefaultProtocol("http/1.1");
            start(bufferSize, big, new SslConnectionFactory(TestTls.server(), negotiation.getProtocol()),
                    negotiation, new HTTP2ServerConnectionFactory(https), new HttpConnectionFactory(https));
        } else {
            start(bufferSize, big, new SslConnectionFactory(TestTls.server(), "http/1.1"),
                    new HttpConnectionFactory(new HttpConfiguration()));
        }
        byte[] header = paddedV2(bufferSize - 100);
        byte[] body = randomBytes(20_000);
        String r = tlsPost(header, body, bufferSize);
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertDigest(r, body);
        assertNoLeakOnceClosed();
    }

    // ---- h2c prior knowledge after the header, via HTTP/1.1's upgrade on the preface

    /** @param direct [proxy, h2c] (h2c right after the header) instead of [proxy, http/1.1, h2c] */
    @ParameterizedTest(name = "buffer {0}, h2c right after the header {1}")
    @CsvSource({"512, false", "8192, false", "65536, false", "512, true", "8192, true", "65536, true"})
    void anH2cPrefaceAndFramesLargerThanTheBufferInTheHeadersWrite(int bufferSize, boolean direct) throws Exception {
        HttpConfiguration http = new HttpConfiguration();
        if (direct) {
            start(bufferSize, config(), new HTTP2CServerConnectionFactory(http));
        } else {
            start(bufferSize, config(), new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
        }
        byte[] body = randomBytes(60_000); // under the initial 65,535-byte flow-control windows
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(V1);
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(frame(SETTINGS, 0, 0, new byte[0]));
        out.write(frame(HEADERS, 0x4, 1, hpackLiterals(":method", "POST", ":scheme", "http", ":path", "/digest",
                ":authority", "localhost", "content-length", Integer.toString(body.length))));
        for (int off = 0; off < body.length; off += 16_384) {
            int n = Math.min(16_384, body.length - off);
            byte[] chunk = new byte[n];
            System.arraycopy(body, off, chunk, 0, n);
            out.write(frame(DATA, off + n == body.length ? 0x1 : 0, 1, chunk));
        }
        try (RawClient c = new RawClient(port())) {
            c.write(out.toByteArray()); // one write() call
            assertDigest(readStream1(c), body);
        }
        assertNoLeakOnceClosed();
    }

    // ---- every other exit path returns its buffer

    @Test
    void aRefusedConnectionLeaksNoBuffer() throws Exception {
        start(512, config(), plainHttp());
        try (RawClient c = new RawClient(port())) {
            c.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"); // no header from a trusted balancer
            assertEquals(0, c.readAll().length);
        }
        try (RawClient c = new RawClient(STRANGER_IP, port())) { // refused at accept
            assertEquals(0, c.readAll().length);
        }
        assertNoLeakOnceClosed();
        assertEquals(2, proxy.getRejected());
    }

    @Test
    void aTimedOutConnectionLeaksNoBuffer() throws Exception {
        start(512, ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32")
                .headerTimeout(Duration.ofMillis(300)).build(), plainHttp());
        try (RawClient c = new RawClient(port())) {
            c.write(new byte[] {'P', 'R', 'O'}); // a third of a signature, then silence
            assertEquals(0, c.readAll().length);
        }
        assertNoLeakOnceClosed();
        assertEquals(1, proxy.getRejected());
    }

    @Test
    void aPeerClosingMidHeaderLeaksNoBuffer() throws Exception {
        start(512, config(), plainHttp());
        try (RawClient c = new RawClient(port())) {
            c.trickle("PROXY TCP4 127.0.0.42".getBytes(StandardCharsets.US_ASCII), 2);
        }
        assertNoLeakOnceClosed();
    }

    /**
     * A peer trickling its header: every read borrows the same pooled buffer and gives it back, so that the
     * connection holds none while it waits (the pool's one heap buffer is available) and allocates nothing per byte.
     */
    @Test
    void aConnectionWaitingMidHeaderHoldsNoBufferAndReusesOne() throws Exception {
        start(512, config(), plainHttp());
        try (RawClient c = new RawClient(port())) {
            c.trickle(Arrays.copyOf(V1, 20), 2);
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANG_GUARD_MILLIS);
            while ((pool.getAvailableHeapByteBufferCount() != 1 || !pool.getLeaks().isEmpty())
                    && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(1, proxy.getPending(), "still waiting for the rest of its header");
            assertTrue(pool.getLeaks().isEmpty(), () -> "held while waiting: " + pool.dumpLeaks());
            assertEquals(1, pool.getHeapByteBufferCount(), "one pooled buffer served all 20 reads");
            assertEquals(1, pool.getAvailableHeapByteBufferCount(), "and is back in the pool");
            c.trickle(Arrays.copyOfRange(V1, 20, V1.length), 1);
            String r = c.write("GET /digest HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").readResponse();
            assertTrue(r.contains("remote=" + CLIENT_IP + "\n"), r);
        }
        assertNoLeakOnceClosed();
    }

    // ---- fixture

    private static ProxyProtocolConfig config() {
        return ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32").build();
    }

    private static ConnectionFactory plainHttp() {
        return new HttpConnectionFactory(new HttpConfiguration());
    }

    private void start(int bufferSize, ProxyProtocolConfig config, ConnectionFactory... after) throws Exception {
        pool = new ArrayByteBufferPool.Tracking();
        server = new Server(null, null, pool);
        proxy = new ProxyProtocolConnectionFactory(config);
        proxy.setInputBufferSize(bufferSize);
        ConnectionFactory[] factories = new ConnectionFactory[after.length + 1];
        factories[0] = proxy;
        System.arraycopy(after, 0, factories, 1, after.length);
        connector = new ServerConnector(server, factories);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new DigestHandler());
        server.start();
        assertEquals(pool, connector.getByteBufferPool(), "the connector uses the tracking pool");
    }

    private int port() {
        return connector.getLocalPort();
    }

    /**
     * Waits (hang guard, not a threshold) for the server to close every connection and for every buffer to return
     * to the pool: Jetty's own connections may release theirs just after the endpoint is gone; a leak never does.
     */
    private void assertNoLeakOnceClosed() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANG_GUARD_MILLIS);
        while ((!connector.getConnectedEndPoints().isEmpty() || !pool.getLeaks().isEmpty())
                && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertTrue(connector.getConnectedEndPoints().isEmpty(), () -> "still open: " + connector.getConnectedEndPoints());
        assertTrue(pool.getLeaks().isEmpty(), () -> "leaked: " + pool.dumpLeaks());
    }

    /** A v2 header of exactly {@code length} bytes (NOOP padding). */
    private static byte[] paddedV2(int length) {
        ProxyHeader.Builder b = ProxyHeader.builder()
                .addresses(new InetSocketAddress(CLIENT_IP, 40000), new InetSocketAddress("192.0.2.10", 443));
        int bare = ProxyHeaderEncoder.encodeV2(b.build(), false).length;
        byte[] header = ProxyHeaderEncoder.encodeV2(b.noop(length - bare - 3).build(), false);
        assertEquals(length, header.length);
        return header;
    }

    /**
     * @param longerThan the first write (header and ClientHello) must be longer than this, or the test proves nothing
     */
    private String tlsPost(byte[] header, byte[] body, int longerThan) throws Exception {
        HeaderFirstSocket plain = new HeaderFirstSocket(header, 0);
        plain.bind(new InetSocketAddress(BALANCER_IP, 0));
        plain.connect(new InetSocketAddress("127.0.0.1", port()), 5000);
        plain.setSoTimeout(HANG_GUARD_MILLIS);
        plain.setTcpNoDelay(true);
        try (SSLSocket tls = (SSLSocket) TestTls.clientContext().getSocketFactory()
                .createSocket(plain, "localhost", port(), true)) {
            tls.startHandshake();
            byte[] first = plain.firstWrite();
            assertEquals(0x16, first[header.length], "the header's write carried the ClientHello");
            assertTrue(first.length - header.length > 200, "a whole ClientHello in the first write");
            assertTrue(first.length > longerThan, "the first write (" + first.length + " bytes) exceeds " + longerThan);
            OutputStream out = tls.getOutputStream();
            out.write(("POST /digest HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return new String(tls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertDigest(String response, byte[] body) throws Exception {
        assertTrue(response.contains("length=" + body.length + "\n"), response);
        assertTrue(response.contains("sha256=" + sha256(body) + "\n"), response);
        assertTrue(response.contains("remote=" + CLIENT_IP + "\n"), response);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }

    /** Answers the body's length and SHA-256 and the client's address. */
    private static final class DigestHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            byte[] body;
            try (InputStream in = Content.Source.asInputStream(request)) {
                body = in.readAllBytes();
            }
            String text = "length=" + body.length + "\nsha256=" + sha256(body) + "\nremote="
                    + Request.getRemoteAddr(request) + "\n";
            response.getHeaders().put("Content-Type", "text/plain");
            Content.Sink.write(response, true, text, callback);
            return true;
        }
    }

    // ---- HTTP/2 frames, by hand

    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int SETTINGS = 4;
    private static final int GOAWAY = 7;

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
        b.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        b.put((byte) type).put((byte) flags).putInt(stream).put(payload);
        return b.array();
    }

    /** HPACK "literal header field without indexing, new name", no Huffman; every string under 127 bytes. */
    private static byte[] hpackLiterals(String... namesAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < namesAndValues.length; i++) {
            if (i % 2 == 0) {
                out.write(0);
            }
            byte[] b = namesAndValues[i].getBytes(StandardCharsets.US_ASCII);
            out.write(b.length);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /** Reads frames, acknowledging SETTINGS, until stream 1 ends; returns its DATA as text. */
    private static String readStream1(RawClient c) throws IOException {
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

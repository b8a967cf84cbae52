package io.github.proxyproto4j.jetty;

import static io.github.proxyproto4j.jetty.RawClient.BALANCER_IP;
import static io.github.proxyproto4j.jetty.RawClient.STRANGER_IP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.Reason;
import java.net.InetSocketAddress;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No buffer leaks on any path through the factory, on Jetty's leak-tracking pool ({@code ArrayByteBufferPool.Tracking},
 * which every {@link JettyFixture} uses, so all tests of this module check it when they close): after each path,
 * once its connections are closed, every pooled buffer is back.
 */
class BufferLeakTest {
    static final String V1 = ProxyProtocolConnectionFactoryTest.V1;
    static final String GET = ProxyProtocolConnectionFactoryTest.GET;

    private JettyFixture jetty;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    private static ProxyProtocolConfig.Builder trustingBalancer() {
        return ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32").headerTimeout(Duration.ofMillis(500));
    }

    /** The connections of the path just run close, then no buffer may be out. */
    private void settle(String path) throws InterruptedException {
        assertTrue(jetty.awaitNoConnections(10_000), path + ": connections still open");
        jetty.assertNoLeaks("after " + path);
    }

    private byte[] send(String from, byte[] bytes) throws Exception {
        try (RawClient c = new RawClient(from, jetty.port())) {
            return c.write(bytes).readAll();
        }
    }

    @Test
    void theTrackingPoolReportsABufferNotGivenBack() throws Exception {
        jetty = new JettyFixture(trustingBalancer().build());
        RetainableByteBuffer held = jetty.server.getByteBufferPool().acquire(1024, true);
        AssertionError leak = assertThrows(AssertionError.class, () -> jetty.assertNoLeaks("while holding a buffer"));
        assertTrue(leak.getMessage().startsWith("1 buffer(s) not released"), leak.getMessage());
        held.release();
        jetty.assertNoLeaks("after giving it back");
    }

    @Test
    void plaintextPathsGiveEveryBufferBack() throws Exception {
        jetty = new JettyFixture(new ProxyProtocolConnectionFactory(trustingBalancer().build()),
                server -> server.setHandler(new DigestHandler()));
        String served = new String(send(BALANCER_IP, (V1 + GET).getBytes()), "UTF-8");
        assertTrue(served.startsWith("HTTP/1.1 200") && served.contains("remote=127.0.0.42:40000"), served);
        settle("a served v1 request");

        byte[] post = ByteIntegrityTest.concat(ProxyProtocolConnectionFactoryTest.v2(true),
                ByteIntegrityTest.post("/p", ByteIntegrityTest.random(20_000, 9), true));
        assertTrue(new String(send(BALANCER_IP, post), "UTF-8").startsWith("HTTP/1.1 200"));
        settle("a v2 header and a 20 kB POST");

        assertArrayEquals(new byte[0], send(BALANCER_IP, "PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\n".getBytes()));
        settle("a malformed header");
        assertArrayEquals(new byte[0], send(BALANCER_IP, GET.getBytes()));
        settle("no header");
        assertArrayEquals(new byte[0], send(STRANGER_IP, (V1 + GET).getBytes()));
        settle("an untrusted peer");
        try (RawClient c = new RawClient(jetty.port())) {
            c.write("PROXY TCP4 127.0.0.42");
        }
        settle("EOF in the middle of a header");
        assertArrayEquals(new byte[0], send(BALANCER_IP, "PROXY TCP4 127.0.0.42 ".getBytes())); // read until closed
        settle("the header timeout");

        try (RawClient c = new RawClient(jetty.port())) {
            c.write(ByteIntegrityTest.concat(V1.getBytes(), ChainsTest.H2.preface(), ChainsTest.H2.request("/h2c", null)));
            ChainsTest.H2.readServerPreface(c);
            assertTrue(ChainsTest.H2.readStream1(c).contains("remote=127.0.0.42:40000"));
        }
        settle("h2c by prior knowledge");

        var counters = jetty.proxy.getCounters();
        assertEquals(3, counters.getAccepted(), counters.toString());
        assertEquals(1, counters.rejected(Reason.HEADER_TIMEOUT), counters.toString());
        assertEquals(1, counters.rejected(Reason.NO_HEADER), counters.toString());
        assertTrue(jetty.buffers.getDirectByteBufferCount() + jetty.buffers.getHeapByteBufferCount() > 0,
                "the connections took their buffers from the tracking pool");
    }

    @Test
    void tlsPathsGiveEveryBufferBack() throws Exception {
        jetty = new JettyFixture(new ProxyProtocolConnectionFactory(trustingBalancer().build()), server -> { },
                new SslConnectionFactory(TestTls.server(), "http/1.1"), new HttpConnectionFactory(new HttpConfiguration()));
        byte[] header = ProxyProtocolConnectionFactoryTest.v2(true);
        javax.net.ssl.SSLSocketFactory factory = TestTls.clientContext().getSocketFactory(); // before the clock starts
        HeaderFirstSocket plain = new HeaderFirstSocket(header, 0);
        plain.bind(new InetSocketAddress(BALANCER_IP, 0));
        plain.connect(new InetSocketAddress("127.0.0.1", jetty.port()), 5000);
        plain.setSoTimeout(10_000);
        try (SSLSocket tls = (SSLSocket) factory.createSocket(plain, "localhost", jetty.port(), true)) {
            tls.getOutputStream().write(("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes());
            String r = RawClient.readResponse(tls.getInputStream());
            assertTrue(r.startsWith("HTTP/1.1 200") && r.contains("remote=127.0.0.42:40000"), r);
        }
        settle("a TLS request after the header");

        byte[] notTls = ByteIntegrityTest.concat(V1.getBytes(), GET.getBytes());
        byte[] alert = send(BALANCER_IP, notTls); // the header is fine: Jetty's TLS layer answers the bytes after it
        assertTrue(alert.length == 0 || alert[0] == 0x15, "nothing, or a TLS alert record");
        settle("plain HTTP where the ClientHello should be");
        assertArrayEquals(new byte[0], send(BALANCER_IP, new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5}));
        settle("a ClientHello without a header");
        assertEquals(2, jetty.proxy.getAccepted(), jetty.proxy.getCounters().toString());
        assertEquals(1, jetty.proxy.getCounters().rejected(Reason.NOT_PROXY), jetty.proxy.getCounters().toString());
    }
}

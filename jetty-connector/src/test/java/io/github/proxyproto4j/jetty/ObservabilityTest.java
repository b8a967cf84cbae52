package io.github.proxyproto4j.jetty;

import static io.github.proxyproto4j.jetty.RawClient.BALANCER_IP;
import static io.github.proxyproto4j.jetty.RawClient.CLIENT_IP;
import static io.github.proxyproto4j.jetty.RawClient.STRANGER_IP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.ProxyProtocolAttributes;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.SslInfo;
import io.github.proxyproto4j.core.Tlv;
import io.github.proxyproto4j.core.TlvType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What operators look at: JMX, Jetty's request log, and a servlet's view of the request. */
class ObservabilityTest {
    static final String V1 = ProxyProtocolConnectionFactoryTest.V1;
    static final String GET = ProxyProtocolConnectionFactoryTest.GET;

    private JettyFixture jetty;
    private MBeanContainer mbeans;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
        if (mbeans != null) {
            mbeans.destroy(); // unregisters this test's MBeans from the platform server
        }
    }

    private static ProxyProtocolConnectionFactory trustingBalancer() {
        return new ProxyProtocolConnectionFactory(
                ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32").build());
    }

    private String roundTrip(String bindAddress, byte[] bytes) throws IOException {
        try (RawClient c = new RawClient(bindAddress, jetty.port())) {
            return c.write(bytes).readAllText();
        }
    }

    @Test
    void jmxExposesTheCounters() throws Exception {
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        mbeans = new MBeanContainer(platform);
        jetty = new JettyFixture(trustingBalancer(), server -> server.addBean(mbeans));

        ObjectName name = mbeans.findMBean(jetty.proxy);
        assertNotNull(name, "the factory is registered");
        assertEquals("io.github.proxyproto4j.jetty", name.getDomain());
        assertEquals("proxyprotocolconnectionfactory", name.getKeyProperty("type"));
        Set<ObjectName> found = platform.queryNames(
                new ObjectName("io.github.proxyproto4j.jetty:type=proxyprotocolconnectionfactory,*"), null);
        assertTrue(found.contains(name), found + " should contain " + name);

        assertTrue(roundTrip(BALANCER_IP, (V1 + GET).getBytes(StandardCharsets.ISO_8859_1))
                .contains("remote=" + CLIENT_IP + ":40000\n"));
        assertArrayEquals(new byte[0], roundTrip(STRANGER_IP, (V1 + GET).getBytes(StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < 500 && (Long) platform.getAttribute(name, "rejected") == 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(1L, platform.getAttribute(name, "accepted"));
        assertEquals(1L, platform.getAttribute(name, "rejected"));
        assertEquals(0L, platform.getAttribute(name, "pending"));
        assertEquals(0L, platform.getAttribute(name, "ignored"));
        assertEquals(0L, platform.getAttribute(name, "direct"));
        assertEquals(0L, platform.getAttribute(name, "local"));
        assertEquals("{UNTRUSTED_PEER=1}", platform.getAttribute(name, "rejectionsByReason"));
    }

    @Test
    void theRequestLogShowsTheClient() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        RequestLog.Writer writer = lines::add;
        jetty = new JettyFixture(trustingBalancer(),
                server -> server.setRequestLog(new CustomRequestLog(writer, CustomRequestLog.EXTENDED_NCSA_FORMAT)));
        assertTrue(roundTrip(BALANCER_IP, (V1 + GET).getBytes(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200"));
        String line = lines.poll(10, TimeUnit.SECONDS);
        assertNotNull(line, "a request log line");
        assertTrue(line.startsWith(CLIENT_IP + " "), line);
        assertTrue(line.contains("\"GET /echo HTTP/1.1\" 200"), line);
    }

    /** Answers with what the Servlet API says about the request. */
    static final class ViewServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain;charset=utf-8");
            resp.getWriter().print("remoteAddr=" + req.getRemoteAddr() + "\n"
                    + "remotePort=" + req.getRemotePort() + "\n"
                    + "localAddr=" + req.getLocalAddr() + "\n"
                    + "localPort=" + req.getLocalPort() + "\n"
                    + "secure=" + req.isSecure() + "\n"
                    + "scheme=" + req.getScheme() + "\n"
                    + "header=" + req.getAttribute(ProxyProtocolAttributes.HEADER) + "\n"
                    + "cn=" + req.getAttribute(ProxyProtocolAttributes.SSL_CLIENT_CN) + "\n"
                    + "body=" + new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8) + "\n");
        }
    }

    private void startServlet() throws Exception {
        ServletContextHandler context = new ServletContextHandler("/app");
        context.addServlet(new ServletHolder(new ViewServlet()), "/*");
        jetty = new JettyFixture(trustingBalancer(), server -> server.setHandler(context));
    }

    @Test
    void aServletSeesTheClient() throws Exception {
        startServlet();
        String post = "POST /app/view HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
        String r = roundTrip(BALANCER_IP, (V1 + post).getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertTrue(r.contains("remoteAddr=" + CLIENT_IP + "\n"), r);
        assertTrue(r.contains("remotePort=40000\n"), r);
        assertTrue(r.contains("localAddr=192.0.2.10\n"), r);
        assertTrue(r.contains("localPort=9080\n"), r);
        assertTrue(r.contains("secure=false\n"), r);
        assertTrue(r.contains("scheme=http\n"), r);
        assertTrue(r.contains("header=ProxyHeader{v1 PROXY INET/STREAM"), r);
        assertTrue(r.contains("body=hello\n"), r);
    }

    @Test
    void anEe10ServletSeesTheClientToo() throws Exception {
        org.eclipse.jetty.ee10.servlet.ServletContextHandler context =
                new org.eclipse.jetty.ee10.servlet.ServletContextHandler("/app");
        context.addServlet(new org.eclipse.jetty.ee10.servlet.ServletHolder(new ViewServlet()), "/*");
        jetty = new JettyFixture(trustingBalancer(), server -> server.setHandler(context));
        String get = "GET /app/view HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
        String r = roundTrip(BALANCER_IP, (V1 + get).getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertTrue(r.contains("remoteAddr=" + CLIENT_IP + "\n"), r);
        assertTrue(r.contains("header=ProxyHeader{v1 PROXY INET/STREAM"), r);
    }

    @Test
    void aServletSeesTlsFromTheSslTlv() throws Exception {
        startServlet();
        ProxyHeader tls = ProxyHeader.builder()
                .addresses(new InetSocketAddress(CLIENT_IP, 40000), new InetSocketAddress("192.0.2.10", 443))
                .ssl(SslInfo.of(SslInfo.CLIENT_SSL | SslInfo.CLIENT_CERT_CONN, 0,
                        List.of(Tlv.of(TlvType.SSL_CN, "alice".getBytes(StandardCharsets.US_ASCII))))).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(ProxyHeaderEncoder.encodeV2(tls, true));
        bytes.write("GET /app/view HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        String r = roundTrip(BALANCER_IP, bytes.toByteArray());
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertTrue(r.contains("remoteAddr=" + CLIENT_IP + "\n"), r);
        assertTrue(r.contains("secure=true\n"), r);
        assertTrue(r.contains("scheme=https\n"), r);
        assertTrue(r.contains("localPort=443\n"), r);
        assertTrue(r.contains("cn=alice\n"), r);
        assertTrue(r.contains("header=ProxyHeader{v2 PROXY INET/STREAM"), r);
    }
}

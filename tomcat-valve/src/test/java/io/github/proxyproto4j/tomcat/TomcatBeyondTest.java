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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.core.ProxyProtocolCountersMXBean;
import io.github.proxyproto4j.core.Reason;
import io.github.proxyproto4j.core.SslInfo;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.valves.RemoteCIDRValve;
import org.apache.coyote.http11.Http11NioProtocol;
import org.junit.jupiter.api.Test;

/** What goes beyond the decision table: threads, pooling, the access log, valves, JMX, configuration. */
class TomcatBeyondTest {

    private static ProxyProtocolConfig.Builder trustingBalancer() {
        return ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32");
    }

    private static String roundTrip(TomcatFixture t, byte[] bytes) throws Exception {
        try (RawClient c = new RawClient(t.port())) {
            return c.write(bytes).readAllText();
        }
    }

    private static void assertClient(String r) {
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertTrue(r.contains("remote=127.0.0.42:40000\n"), r);
        assertTrue(r.contains("local=192.0.2.10:9080\n"), r);
    }

    // ---------------------------------------------------------------- no thread is held by a slow header

    @Test
    void aStalledHeaderHoldsNeitherTheAcceptorNorAWorker() throws Exception {
        TomcatFixture t = new TomcatFixture(trustingBalancer().build());
        ProxyProtocolCounters counters = t.protocol.getProxyProtocolCounters();
        RawClient stalled = null;
        try {
            stalled = new RawClient(t.port());
            stalled.write("PROXY TCP4 127.0.0.");
            assertTrue(Wire.await(() -> counters.getPending() == 1, 5000), counters.toString());
            long start = System.nanoTime();
            assertClient(roundTrip(t, ascii(V1 + GET)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 2000, "served in " + millis + " ms while another header stalls");
            assertEquals(1, counters.getPending(), "the stalled one still waits: " + counters);
        } finally {
            t.close();
        }
        try (RawClient s = stalled) {
            // Tomcat stopped while the header was awaited: the connection is closed and its slot freed
            assertArrayEquals(new byte[0], s.readAll());
        }
        assertEquals(0, counters.getPending(), counters.toString());
        assertEquals(1, counters.rejected(Reason.NO_HEADER), counters.toString());
    }

    @Test
    void fiveStalledHeadersDoNotStarveTwoWorkerThreads() throws Exception {
        try (TomcatFixture t = new TomcatFixture(trustingBalancer().build(), true,
                f -> assertTrue(f.connector.setProperty("maxThreads", "2")))) {
            assertEquals(2, t.protocol.getMaxThreads());
            ProxyProtocolCounters counters = t.protocol.getProxyProtocolCounters();
            List<RawClient> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    RawClient c = new RawClient(t.port());
                    stalled.add(c);
                    c.write("PROXY TCP4 127.0.0.");
                }
                assertTrue(Wire.await(() -> counters.getPending() == 5, 5000), counters.toString());
                Thread.sleep(100); // let the workers read what the stalled ones sent
                long start = System.nanoTime();
                assertClient(roundTrip(t, concat(v2(false), ascii(GET))));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < 2000, "served in " + millis + " ms beside 5 stalled headers");
                // and the stalled ones still complete
                for (RawClient c : stalled) {
                    assertClient(c.write("42 192.0.2.10 40000 9080\r\n" + GET).readAllText());
                }
            } finally {
                for (RawClient c : stalled) {
                    c.close();
                }
            }
            assertEquals(6, counters.getAccepted(), counters.toString());
        }
    }

    // ---------------------------------------------------------------- pooled channels leak nothing

    @Test
    void aThousandSequentialConnectionsEachGetTheirOwnResult() throws Exception {
        try (TomcatFixture t = new TomcatFixture(trustingBalancer().build())) {
            ProxyProtocolCounters counters = t.protocol.getProxyProtocolCounters();
            byte[] localHeader = Wire.v2Local();
            byte[] badCrc = v2(true);
            badCrc[20] ^= 1;
            long start = System.nanoTime();
            int expectAccepted = 0;
            int expectLocal = 0;
            int expectRejected = 0;
            for (int i = 0; i < 1000; i++) {
                int clientPort = 10_000 + i;
                switch (i % 4) {
                    case 0 -> {
                        String r = roundTrip(t, ascii(Wire.v1(clientPort) + GET));
                        assertTrue(r.startsWith("HTTP/1.1 200"), i + ": " + r);
                        assertTrue(r.contains("remote=127.0.0.42:" + clientPort + "\n"), i + ": " + r);
                        assertTrue(r.contains("attr.header=ProxyHeader{v1 PROXY"), i + ": " + r);
                        assertFalse(r.contains("attr.tlv."), "no TLVs leak from the previous v2: " + i + ": " + r);
                        expectAccepted++;
                    }
                    case 1 -> {
                        String r = roundTrip(t, concat(v2(clientPort, (i & 4) == 0), ascii(GET)));
                        assertTrue(r.startsWith("HTTP/1.1 200"), i + ": " + r);
                        assertTrue(r.contains("remote=127.0.0.42:" + clientPort + "\n"), i + ": " + r);
                        assertTrue(r.contains("attr.tlv.alpn=h2\n"), i + ": " + r);
                        expectAccepted++;
                    }
                    case 2 -> {
                        String r = roundTrip(t, concat(localHeader, ascii(GET)));
                        assertTrue(r.startsWith("HTTP/1.1 200"), i + ": " + r);
                        assertTrue(r.contains("remote=127.0.0.1:"), "LOCAL keeps the socket's address: " + i + ": " + r);
                        assertTrue(r.contains("local=127.0.0.1:" + t.port() + "\n"), i + ": " + r);
                        assertFalse(r.contains("127.0.0.42"), "nothing of the previous header: " + i + ": " + r);
                        assertFalse(r.contains("attr.tlv."), i + ": " + r);
                        expectLocal++;
                    }
                    default -> {
                        byte[] bytes = (i & 4) == 0 ? ascii("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                                : concat(badCrc, ascii(GET));
                        byte[] r;
                        try (RawClient c = new RawClient(t.port())) {
                            r = c.write(bytes).readAll();
                        }
                        assertArrayEquals(new byte[0], r, "refused: " + i);
                        expectRejected++;
                    }
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            int a = expectAccepted;
            int r = expectRejected;
            assertTrue(Wire.await(() -> counters.getAccepted() == a && counters.getRejected() == r, 5000),
                    counters.toString());
            assertEquals(expectLocal, counters.getLocal(), counters.toString());
            assertEquals(125, counters.rejected(Reason.NOT_PROXY), counters.toString());
            assertEquals(125, counters.rejected(Reason.CRC_MISMATCH), counters.toString());
            assertTrue(Wire.await(() -> counters.getPending() == 0, 5000), counters.toString());
            // back to 1: the acceptor counts the connection it waits for before accepting it
            assertTrue(Wire.await(() -> t.protocol.getConnectionCount() == 1, 5000),
                    "connections counted down: " + t.protocol.getConnectionCount());
            assertTrue(millis < 60_000, "took " + millis + " ms");
        }
    }

    // ---------------------------------------------------------------- a Unix domain socket

    @Test
    void aUnixDomainSocketPeerIsTrustedAndItsHeaderApplied() throws Exception {
        Path dir = Files.createTempDirectory("pp-uds");
        Path path = dir.resolve("tomcat.sock");
        try (TomcatFixture t = new TomcatFixture(trustingBalancer().build(), true,
                f -> assertTrue(f.connector.setProperty("unixDomainSocketPath", path.toString())))) {
            String r;
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(path));
                ch.write(ByteBuffer.wrap(ascii(V1 + GET)));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(8192);
                while (ch.read(buf) >= 0) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                r = out.toString(StandardCharsets.UTF_8);
            }
            assertClient(r);
            assertTrue(r.contains("attr.header=ProxyHeader{v1 PROXY INET/STREAM"), r);
            assertEquals(1, t.protocol.getProxyProtocolCounters().getAccepted());
        } finally {
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
        }
    }

    // ---------------------------------------------------------------- the access log

    @Test
    void theAccessLogShowsTheClientAndNothingForRefusedConnections() throws Exception {
        AccessLogLines log = new AccessLogLines("%a %{remote}p %r %s");
        try (TomcatFixture t = new TomcatFixture(trustingBalancer().headerTimeout(Duration.ofSeconds(1)).build(),
                true, f -> f.tomcat.getEngine().getPipeline().addValve(log))) {
            ProxyProtocolCounters counters = t.protocol.getProxyProtocolCounters();
            assertClient(roundTrip(t, ascii(V1 + GET)));
            assertTrue(Wire.await(() -> log.lines.size() == 1, 5000), log.lines.toString());
            assertEquals("127.0.0.42 40000 GET /echo HTTP/1.1 200", log.lines.get(0));

            // refusals of every kind: none may write a line (Tomcat's CONNECT_FAIL would log a 400)
            assertArrayEquals(new byte[0], roundTrip(t, ascii(GET)).getBytes());
            assertArrayEquals(new byte[0], roundTrip(t, ascii("PROXY TCP4 127.0.0.042 192.0.2.10 1 2\r\n" + GET))
                    .getBytes());
            byte[] bad = v2(true);
            bad[20] ^= 1;
            assertArrayEquals(new byte[0], roundTrip(t, concat(bad, ascii(GET))).getBytes());
            try (RawClient c = new RawClient(STRANGER_IP, t.port())) {
                assertArrayEquals(new byte[0], c.write(V1 + GET).readAll());
            }
            try (RawClient c = new RawClient(t.port())) {
                c.write("PROXY TCP4 127.0.0.42 "); // then EOF
            }
            try (RawClient c = new RawClient(t.port())) {
                assertArrayEquals(new byte[0], c.write("PROXY TCP4 127.0.0.42 ").readAll()); // header timeout
            }
            assertTrue(Wire.await(() -> counters.getRejected() == 6, 5000), counters.toString());
            assertEquals(1, counters.rejected(Reason.HEADER_TIMEOUT), counters.toString());
            assertEquals(1, counters.rejected(Reason.NO_HEADER), counters.toString());

            String r = roundTrip(t, concat(v2(41000, false), ascii("GET /second HTTP/1.1\r\nHost: t\r\n"
                    + "Connection: close\r\n\r\n")));
            assertTrue(r.contains("remote=127.0.0.42:41000\n"), r);
            assertTrue(Wire.await(() -> log.lines.size() >= 2, 5000), log.lines.toString());
            Thread.sleep(100);
            assertEquals(List.of("127.0.0.42 40000 GET /echo HTTP/1.1 200",
                    "127.0.0.42 41000 GET /second HTTP/1.1 200"), log.lines, "no line for any refused connection");
        }
    }

    // ---------------------------------------------------------------- valves see the header's client

    @Test
    void remoteCidrValveAllowsTheHeadersClient() throws Exception {
        RemoteCIDRValve allow = new RemoteCIDRValve();
        allow.setAllow("127.0.0.42");
        try (TomcatFixture t = new TomcatFixture(trustingBalancer().build(), true,
                f -> f.tomcat.getEngine().getPipeline().addValve(allow))) {
            assertClient(roundTrip(t, ascii(V1 + GET)));
            // the balancer's own address (a LOCAL health check) is not in the list
            String local = roundTrip(t, concat(Wire.v2Local(), ascii(GET)));
            assertTrue(local.startsWith("HTTP/1.1 403"), local);
        }
    }

    @Test
    void remoteCidrValveDeniesTheHeadersClientOutsideTheList() throws Exception {
        RemoteCIDRValve allow = new RemoteCIDRValve();
        allow.setAllow("10.0.0.0/8");
        try (TomcatFixture t = new TomcatFixture(trustingBalancer().build(), true,
                f -> f.tomcat.getEngine().getPipeline().addValve(allow))) {
            String r = roundTrip(t, ascii(V1 + GET));
            assertTrue(r.startsWith("HTTP/1.1 403"), r);
            String ok = roundTrip(t, ascii("PROXY TCP4 10.1.2.3 192.0.2.10 40000 9080\r\n" + GET));
            assertTrue(ok.startsWith("HTTP/1.1 200"), ok);
            assertTrue(ok.contains("remote=10.1.2.3:40000\n"), ok);
        }
    }

    // ---------------------------------------------------------------- JMX

    @Test
    void theCountersAreAnMBeanInTomcatsDomain() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try (TomcatFixture t = new TomcatFixture(trustingBalancer().build())) {
            Set<ObjectName> names = server.queryNames(new ObjectName("*:type=ProxyProtocol,*"), null);
            List<ObjectName> ours = names.stream()
                    .filter(n -> n.getKeyProperty("name") != null && n.getKeyProperty("name").contains("-" + t.port()))
                    .toList();
            assertEquals(1, ours.size(), names.toString());
            name = ours.get(0);
            assertEquals("Tomcat", name.getDomain(), name.toString());
            assertEquals(t.tomcat.getEngine().getName(), name.getDomain());
            assertEquals(t.protocol.getName(), name.getKeyProperty("name"), "Tomcat's name, quoted once");
            assertTrue(t.protocol.getName().startsWith("\""), t.protocol.getName());

            assertEquals(0L, server.getAttribute(name, "Accepted"));
            assertClient(roundTrip(t, ascii(V1 + GET)));
            assertArrayEquals(new byte[0], roundTrip(t, ascii(GET)).getBytes());
            ProxyProtocolCountersMXBean proxy = JMX.newMXBeanProxy(server, name, ProxyProtocolCountersMXBean.class);
            assertTrue(Wire.await(() -> proxy.getRejected() == 1, 5000));
            assertEquals(1L, server.getAttribute(name, "Accepted"));
            assertEquals(1L, server.getAttribute(name, "Rejected"));
            assertNotNull(server.getAttribute(name, "RejectedByReason"));
            assertEquals(Map.of("NOT_PROXY", 1L), proxy.getRejectedByReason());
            try (RawClient stalled = new RawClient(t.port())) {
                stalled.write("PROXY ");
                assertTrue(Wire.await(() -> proxy.getPending() == 1, 5000));
                assertEquals(1L, server.getAttribute(name, "Pending"));
            }
            assertTrue(Wire.await(() -> proxy.getPending() == 0, 5000));
            assertTrue(Wire.await(() -> proxy.getRejected() == 2, 5000));
            assertEquals(Map.of("NOT_PROXY", 1L, "NO_HEADER", 1L), proxy.getRejectedByReason());
        }
        assertFalse(server.isRegistered(name), "unregistered when the connector is destroyed");
    }

    // ---------------------------------------------------------------- without the Valve

    @Test
    void withoutTheValveTheAddressesAreStillRightAndNoAttributesAreSet() throws Exception {
        try (TomcatFixture t = new TomcatFixture(trustingBalancer().build(), false)) {
            String r = roundTrip(t, concat(v2(true), ascii(GET)));
            assertClient(r);
            assertFalse(r.contains("attr."), r);
            String v1 = roundTrip(t, ascii(V1 + GET));
            assertClient(v1);
            assertTrue(v1.contains("remoteHost=127.0.0.42\n"), v1);
            assertFalse(v1.contains("attr."), v1);
            ProxyHeader tls = ProxyHeader.builder()
                    .addresses(new InetSocketAddress("127.0.0.42", 40000), new InetSocketAddress("192.0.2.10", 9080))
                    .ssl(SslInfo.of(SslInfo.CLIENT_SSL, 0, List.of())).build();
            String s = roundTrip(t, concat(ProxyHeaderEncoder.encode(tls), ascii(GET)));
            assertClient(s);
            assertTrue(s.contains("secure=false\n"), "the secure flag is the Valve's job: " + s);
            assertFalse(s.contains("attr."), s);
        }
    }

    @Test
    void theValveFailsFastWithoutAProxyProtocolConnector() throws Exception {
        LifecycleException e = assertThrows(LifecycleException.class,
                () -> new TomcatFixture(new Connector(new Http11NioProtocol()), true, f -> { }).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            messages.append(c.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("ProxyProtocolValve needs a Connector with protocol=\""
                + ProxyProtocolHttp11NioProtocol.class.getName()), messages.toString());
    }

    // ---------------------------------------------------------------- server.xml-style configuration

    /** A value for every key, none of them the default, as a server.xml would spell them. */
    private static Map<ConfigKey, String> serverXmlValues() {
        Map<ConfigKey, String> v = new EnumMap<>(ConfigKey.class);
        v.put(ConfigKey.MODE, "mixed");
        v.put(ConfigKey.TRUSTED_PROXIES, "127.0.0.1/32, 10.0.0.0/8");
        v.put(ConfigKey.UNTRUSTED_ACTION, "ignore");
        v.put(ConfigKey.HEADER_TIMEOUT, "1500");
        v.put(ConfigKey.MAX_HEADER_SIZE, "2048");
        v.put(ConfigKey.MAX_TLV_SIZE, "512");
        v.put(ConfigKey.MAX_PENDING, "7");
        v.put(ConfigKey.SECURE_FROM_SSL_TLV, "false");
        v.put(ConfigKey.LOCAL_ADDRESS_FROM_HEADER, "false");
        for (ConfigKey k : ConfigKey.values()) {
            assertTrue(v.containsKey(k), "the test sets every key; add a value for " + k);
        }
        return v;
    }

    @Test
    void everyConnectorAttributeIsSetByNameAsServerXmlDoes() throws Exception {
        Map<ConfigKey, String> values = serverXmlValues();
        Connector connector = new Connector("io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol");
        ProxyProtocolConfig.Builder expected = ProxyProtocolConfig.builder();
        for (Map.Entry<ConfigKey, String> e : values.entrySet()) {
            assertTrue(connector.setProperty(e.getKey().tomcatAttribute(), e.getValue()),
                    e.getKey().tomcatAttribute());
            expected.set(e.getKey(), e.getValue(), true);
        }
        try (TomcatFixture t = new TomcatFixture(connector, true, f -> { })) {
            assertNotNull(t.protocol, "the protocol class was instantiated by name");
            ProxyProtocolConfig actual = t.protocol.getProxyProtocolConfig();
            assertEquals(expected.build(), actual);
            assertEquals(Duration.ofMillis(1500), actual.headerTimeout(), "the timeout attribute is in milliseconds");
            ProxyProtocolConfig defaults = ProxyProtocolConfig.defaults();
            for (ConfigKey k : ConfigKey.values()) {
                assertNotEquals(defaults.text(k), actual.text(k), "not left at the default: " + k);
            }
            // and it behaves so: the balancer's header applies, without the local address; a stranger is direct
            String r = roundTrip(t, ascii(V1 + GET));
            assertTrue(r.contains("remote=127.0.0.42:40000\n"), r);
            assertTrue(r.contains("local=127.0.0.1:" + t.port() + "\n"), r);
            String direct;
            try (RawClient c = new RawClient(STRANGER_IP, t.port())) {
                direct = c.write(GET).readAllText();
            }
            assertTrue(direct.contains("remote=" + STRANGER_IP + ":"), direct);
            assertEquals(1, t.protocol.getProxyProtocolCounters().getDirect());
        }
    }

    @Test
    void anInvalidTrustedProxiesAttributeDoesNotLeaveTheConnectorTrustingEveryone() throws Exception {
        // A typo in server.xml: Tomcat's digester only warns when a setter throws, and goes on starting.
        Connector connector = new Connector("io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol");
        connector.setProperty("proxyProtocolTrustedProxies", "10.0.0.0/33");
        TomcatFixture t;
        try {
            t = new TomcatFixture(connector, true, f -> { });
        } catch (LifecycleException refused) {
            return; // failing the start is right
        }
        try (TomcatFixture started = t) {
            if (started.connector.getState() != LifecycleState.STARTED || started.port() <= 0) {
                return; // the connector did not start: right too
            }
            String r;
            try (RawClient c = new RawClient(STRANGER_IP, started.port())) {
                r = c.write(V1 + GET).readAllText();
            }
            assertFalse(r.contains("remote=127.0.0.42"), "an invalid trusted-proxies value must fail closed, but "
                    + "the connector started with " + started.protocol.getProxyProtocolConfig() + " and applied a "
                    + "stranger's header: " + r);
        }
    }
}

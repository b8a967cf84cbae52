package io.github.proxyproto4j.spring.boot.jetty;

import static io.github.proxyproto4j.spring.boot.jetty.Jetty.CLIENT_IP;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.CLIENT_PORT;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.PROXY_IP;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.assertClient;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.assertRemote;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jayway.jsonpath.JsonPath;
import io.github.proxyproto4j.jetty.ForwardedHeadersGuard;
import io.github.proxyproto4j.spring.boot.ProxyProtocolMetrics;
import io.github.proxyproto4j.test.HttpResult;
import io.github.proxyproto4j.test.ProxyProtocolClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V1;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

/**
 * proxy-protocol.enabled=true on plain server.port with HTTP/2 (h2c), a management port of its own (Actuator,
 * no PROXY there), metrics, and the forwarded-header guard: on Kubernetes Boot adds Jetty's
 * ForwardedRequestCustomizer, which trusts any peer.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.enabled=true", "proxy-protocol.trusted-proxies=127.0.0.1/32", "proxy-protocol.header-timeout=1s",
    "server.address=127.0.0.1", "server.http2.enabled=true", "spring.main.cloud-platform=kubernetes",
    "management.server.port=0", "management.endpoints.web.exposure.include=health,metrics"})
class MainPortPlainJettyTest {

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    ServletWebServerApplicationContext context;

    @Autowired
    MeterRegistry registry;

    @Test
    void proxyComesFirstInBootsH2cChain() {
        assertEquals(List.of("proxy", "http/1.1", "h2c"), Jetty.mainConnector(context.getWebServer()).getProtocols());
    }

    @Test
    void v1AndV2HeadersAreApplied() {
        for (ProxyProtocolClient c : List.of(client(port).v1(), client(port).v2())) {
            HttpResult r = c.destination("192.0.2.10", 9080).get("/ip");
            assertEquals(200, r.status(), r::toString);
            assertClient(r.body());
            assertTrue(r.body().contains("local=192.0.2.10:9080\nsecure=false\nscheme=http\n"), r.body());
        }
        HttpResult local = client(port).v2().local().get("/ip");
        assertEquals(200, local.status(), local::toString);
        assertRemote(PROXY_IP, local.body());
    }

    @Test
    void h2cByPriorKnowledgeAfterAV1Header() throws Exception {
        ContentResponse r = Jetty.h2Get(port, false, new V1.Tag(CLIENT_IP, CLIENT_PORT));
        assertEquals(200, r.getStatus());
        assertEquals(HttpVersion.HTTP_2, r.getVersion());
        assertClient(r.getContentAsString());
        assertTrue(r.getContentAsString().contains("protocol=HTTP/2.0\n"), r.getContentAsString());
    }

    @Test
    void withoutAHeaderNotOneByteComesBack() {
        assertTrue(client(port).noHeader().get("/ip").closedWithoutResponse());
    }

    @Test
    void theManagementPortStaysPlain() {
        assertTrue(managementPort > 0 && managementPort != port);
        HttpResult health = client(managementPort).noHeader().get("/actuator/health");
        assertEquals(200, health.status(), health::toString);
        assertTrue(health.body().contains("\"UP\""), health.body());
        // A PROXY line is no HTTP request there.
        assertEquals(400, client(managementPort).v1().get("/actuator/health").status());
        // Actuator is not on server.port, which still requires the header.
        assertTrue(client(port).noHeader().get("/actuator/health").closedWithoutResponse());
    }

    @Test
    void forwardedHeadersOfAPeerBehindPROXYAreIgnoredWithoutATrustList() {
        HttpConfiguration http = Jetty.mainConnector(context.getWebServer())
                .getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration();
        List<HttpConfiguration.Customizer> customizers = http.getCustomizers();
        int guard = indexOf(customizers, ForwardedHeadersGuard.class);
        int forwarded = indexOf(customizers, ForwardedRequestCustomizer.class);
        assertTrue(guard >= 0 && forwarded > guard, "Boot's ForwardedRequestCustomizer after the guard: " + customizers);

        Map<String, String> xff = Map.of("X-Forwarded-For", "198.51.100.9");
        HttpResult r = client(port).request("GET", "/ip", xff, null);
        assertEquals(200, r.status(), r::toString);
        assertClient(r.body());
        // A loopback client, which Tomcat's RemoteIpValve would trust by default: ignored all the same.
        r = client(port).source("127.0.0.42", 40000).request("GET", "/ip", xff, null);
        assertRemote("127.0.0.42", r.body());
        r = client(port).source("127.0.0.42", 40000)
                .request("GET", "/ip", Map.of("Forwarded", "for=198.51.100.9"), null);
        assertRemote("127.0.0.42", r.body());
    }

    private static int indexOf(List<HttpConfiguration.Customizer> customizers, Class<?> type) {
        for (int i = 0; i < customizers.size(); i++) {
            if (type.isInstance(customizers.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private double count(String outcome, String reason) {
        Counter c = registry.find(ProxyProtocolMetrics.CONNECTIONS).tags("outcome", outcome, "reason", reason)
                .counter();
        return c == null ? 0 : c.count();
    }

    private double pending() {
        Gauge g = registry.find(ProxyProtocolMetrics.PENDING).gauge();
        assertNotNull(g, "gauge " + ProxyProtocolMetrics.PENDING);
        return g.value();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void metricsPerOutcome() throws Exception {
        double accepted = count("accepted", "none");
        double local = count("local", "none");
        double notProxy = count("rejected", "not_proxy");
        double untrusted = count("rejected", "untrusted_peer");
        double timeout = count("rejected", "header_timeout");
        assertEquals(0, pending());

        assertEquals(200, client(port).get("/ip").status());
        assertEquals(200, client(port).v2().local().get("/ip").status());
        assertTrue(client(port).noHeader().get("/ip").closedWithoutResponse());
        assertTrue(ProxyProtocolClient.to(PROXY_IP, port).bind("127.0.0.2").get("/ip").closedWithoutResponse(),
                "127.0.0.2 is not a trusted proxy");
        try (Socket silent = new Socket()) {
            silent.bind(new InetSocketAddress(PROXY_IP, 0));
            silent.connect(new InetSocketAddress(PROXY_IP, port));
            silent.setSoTimeout(10_000);
            await(() -> pending() == 1, "one connection waiting for its header");
            InputStream in = silent.getInputStream();
            assertEquals(-1, in.read(), "closed at the header timeout without a byte");
        }

        await(() -> count("rejected", "header_timeout") == timeout + 1, "header_timeout counted");
        await(() -> count("rejected", "not_proxy") == notProxy + 1, "not_proxy counted");
        await(() -> count("rejected", "untrusted_peer") == untrusted + 1, "untrusted_peer counted");
        assertEquals(accepted + 1, count("accepted", "none"));
        assertEquals(local + 1, count("local", "none"));
        await(() -> pending() == 0, "none waiting");

        // The same through Actuator, on the (plain) management port.
        HttpResult r = client(managementPort).noHeader()
                .get("/actuator/metrics/" + ProxyProtocolMetrics.CONNECTIONS + "?tag=outcome:rejected&tag=reason:untrusted_peer");
        assertEquals(200, r.status(), r::toString);
        assertEquals(count("rejected", "untrusted_peer"),
                ((Number) JsonPath.read(r.body(), "$.measurements[0].value")).doubleValue(), r.body());
        r = client(managementPort).noHeader().get("/actuator/metrics/" + ProxyProtocolMetrics.CONNECTIONS);
        assertEquals(200, r.status(), r::toString);
        List<String> outcomes = JsonPath.read(r.body(), "$.availableTags[?(@.tag=='outcome')].values[*]");
        assertTrue(outcomes.containsAll(List.of("accepted", "local", "ignored", "direct", "rejected")), r.body());
        List<String> reasons = JsonPath.read(r.body(), "$.availableTags[?(@.tag=='reason')].values[*]");
        assertTrue(reasons.containsAll(List.of("none", "not_proxy", "untrusted_peer", "header_timeout")), r.body());
        r = client(managementPort).noHeader().get("/actuator/metrics/" + ProxyProtocolMetrics.PENDING);
        assertEquals(200, r.status(), r::toString);
        assertEquals(0.0, ((Number) JsonPath.read(r.body(), "$.measurements[0].value")).doubleValue(), r.body());
    }
}

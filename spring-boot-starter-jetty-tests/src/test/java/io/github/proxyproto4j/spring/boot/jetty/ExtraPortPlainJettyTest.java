package io.github.proxyproto4j.spring.boot.jetty;

import static io.github.proxyproto4j.spring.boot.jetty.Jetty.CLIENT_IP;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.CLIENT_PORT;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.assertClient;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.assertRemote;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.test.HttpResult;
import io.github.proxyproto4j.test.ProxyProtocolClient;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V1;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

/**
 * proxy-protocol.port=0 (the reference scenario: an extra PROXY port beside plain server.port) with
 * server.http2.enabled (h2c), spring.threads.virtual.enabled (on Java 21 and later) and
 * server.forward-headers-strategy=framework (Spring's ForwardedHeaderFilter, which trusts any peer).
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.port=0", "proxy-protocol.trusted-proxies=127.0.0.1/32", "server.address=127.0.0.1",
    "server.http2.enabled=true", "spring.threads.virtual.enabled=true", "server.forward-headers-strategy=framework"})
class ExtraPortPlainJettyTest {

    @LocalServerPort
    int serverPort;

    @Value("${local.proxy-protocol.port}")
    int proxyPort;

    @Autowired
    ServletWebServerApplicationContext context;

    @Test
    void anExtraConnectorIsAddedAndItsPortPublished() {
        ServerConnector extra = Jetty.extraConnector(context.getWebServer());
        assertEquals(List.of("proxy", "http/1.1", "h2c"), extra.getProtocols());
        assertTrue(proxyPort > 0 && proxyPort != serverPort);
        assertEquals(proxyPort, extra.getLocalPort());
        assertEquals(List.of("http/1.1", "h2c"), Jetty.mainConnector(context.getWebServer()).getProtocols());
    }

    @Test
    void theExtraPortAppliesV1AndV2Headers() {
        for (ProxyProtocolClient c : List.of(client(proxyPort).v1(), client(proxyPort).v2())) {
            HttpResult r = c.get("/ip");
            assertEquals(200, r.status(), r::toString);
            assertClient(r.body());
        }
    }

    @Test
    void theExtraPortRequiresTheHeaderAndServerPortStaysPlain() {
        assertTrue(client(proxyPort).noHeader().get("/ip").closedWithoutResponse());
        HttpResult plain = client(serverPort).noHeader().get("/ip");
        assertEquals(200, plain.status(), plain::toString);
        assertTrue(plain.body().contains("remote=127.0.0.1:"), plain.body());
        assertEquals(400, client(serverPort).get("/ip").status(), "a PROXY line is no HTTP request on server.port");
    }

    @Test
    void h2cByPriorKnowledgeOnTheExtraPort() throws Exception {
        ContentResponse r = Jetty.h2Get(proxyPort, false, new V1.Tag(CLIENT_IP, CLIENT_PORT));
        assertEquals(200, r.getStatus());
        assertEquals(HttpVersion.HTTP_2, r.getVersion());
        assertClient(r.getContentAsString());
    }

    @Test
    void virtualThreadsStillApplyTheHeader() {
        HttpResult r = client(proxyPort).get("/ip");
        assertEquals(200, r.status(), r::toString);
        assertClient(r.body());
        if (Runtime.version().feature() >= 21) {
            assertInstanceOf(VirtualThreadPool.class, Jetty.server(context.getWebServer()).getThreadPool());
            assertTrue(r.body().contains("virtual=true\n"), r.body());
        } else {
            // Boot only switches to virtual threads on Java 21+: here the property must at least do no harm.
            assertTrue(r.body().contains("virtual=false\n"), r.body());
        }
    }

    @Test
    void theFrameworkFilterSeesNoForwardedHeadersFromBehindPROXY() {
        Map<String, String> xff = Map.of("X-Forwarded-For", "198.51.100.9");
        HttpResult r = client(proxyPort).request("GET", "/ip", xff, null);
        assertEquals(200, r.status(), r::toString);
        assertClient(r.body());
        // server.port has no PROXY: Boot's behaviour there is left as it is (the filter honours any peer).
        r = client(serverPort).noHeader().request("GET", "/ip", xff, null);
        assertEquals(200, r.status(), r::toString);
        assertRemote("198.51.100.9", r.body());
    }
}

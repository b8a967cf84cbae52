package io.github.proxyproto4j.spring.boot.jetty;

import static io.github.proxyproto4j.spring.boot.jetty.Jetty.CLIENT_IP;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.CLIENT_PORT;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.PROXY_IP;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.assertClient;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.assertRemote;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.test.HttpResult;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V1;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V2;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * proxy-protocol.port=0 with proxy-protocol.ssl.bundle and server.http2.enabled: the extra connector is
 * [proxy, ssl, alpn, h2, http/1.1] while server.port stays plain; on Kubernetes (Jetty's ForwardedRequestCustomizer
 * added by Boot) with proxy-protocol.forwarded-trusted-proxies=10.0.0.5.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.port=0", "proxy-protocol.trusted-proxies=127.0.0.1/32", "proxy-protocol.ssl.bundle=edge",
    "proxy-protocol.forwarded-trusted-proxies=10.0.0.5", "spring.main.cloud-platform=kubernetes",
    "spring.ssl.bundle.jks.edge.keystore.password=" + TestTls.PASSWORD, "spring.ssl.bundle.jks.edge.keystore.type=PKCS12",
    "server.address=127.0.0.1", "server.http2.enabled=true"})
class ExtraPortTlsJettyTest {

    @DynamicPropertySource
    static void keyStore(DynamicPropertyRegistry registry) {
        registry.add("spring.ssl.bundle.jks.edge.keystore.location", TestTls::location);
    }

    @LocalServerPort
    int serverPort;

    @Value("${local.proxy-protocol.port}")
    int proxyPort;

    @Autowired
    ServletWebServerApplicationContext context;

    @Test
    void theExtraConnectorHasTlsAndH2AndServerPortIsUnchanged() {
        ServerConnector extra = Jetty.extraConnector(context.getWebServer());
        assertEquals(List.of("proxy", "ssl", "alpn", "h2", "http/1.1"), extra.getProtocols());
        assertEquals(proxyPort, extra.getLocalPort());
        assertEquals(PROXY_IP, extra.getHost(), "server.address applies to the extra connector too");
        assertTrue(proxyPort != serverPort);
        assertEquals(List.of("http/1.1", "h2c"), Jetty.mainConnector(context.getWebServer()).getProtocols());
    }

    @Test
    void httpsAfterV1AndV2Headers() {
        for (HttpResult r : List.of(client(proxyPort).v1().tlsTrustAll().get("/ip"),
                client(proxyPort).v2().tlsTrustAll().get("/ip"))) {
            assertEquals(200, r.status(), r::toString);
            assertClient(r.body());
            assertTrue(r.body().contains("secure=true\nscheme=https\nprotocol=HTTP/1.1\n"), r.body());
        }
    }

    @Test
    void h2ByAlpnAfterV1AndV2Headers() throws Exception {
        for (Object tag : List.of(new V1.Tag(CLIENT_IP, CLIENT_PORT), new V2.Tag(CLIENT_IP, CLIENT_PORT))) {
            ContentResponse r = Jetty.h2Get(proxyPort, true, tag);
            assertEquals(200, r.getStatus());
            assertEquals(HttpVersion.HTTP_2, r.getVersion());
            assertClient(r.getContentAsString());
            assertTrue(r.getContentAsString().contains("secure=true\nscheme=https\nprotocol=HTTP/2.0\n"),
                    r.getContentAsString());
        }
    }

    @Test
    void withoutAHeaderNotOneByteComesBackAndServerPortStaysPlain() {
        assertTrue(client(proxyPort).noHeader().tlsTrustAll().get("/ip").closedWithoutResponse());
        HttpResult plain = client(serverPort).noHeader().get("/ip");
        assertEquals(200, plain.status(), plain::toString);
        assertTrue(plain.body().contains("remote=127.0.0.1:"), plain.body());
        assertTrue(plain.body().contains("secure=false\n"), plain.body());
    }

    @Test
    void forwardedHeadersAreHonouredFromTrustedForwardersOnly() {
        Map<String, String> xff = Map.of("X-Forwarded-For", "198.51.100.9");
        HttpResult r = client(proxyPort).source("10.0.0.5", 40000).tlsTrustAll().request("GET", "/ip", xff, null);
        assertEquals(200, r.status(), r::toString);
        assertRemote("198.51.100.9", r.body());
        r = client(proxyPort).tlsTrustAll().request("GET", "/ip", xff, null);
        assertEquals(200, r.status(), r::toString);
        assertClient(r.body());
        r = client(proxyPort).source("127.0.0.42", 40000).tlsTrustAll().request("GET", "/ip", xff, null);
        assertRemote("127.0.0.42", r.body());
    }
}

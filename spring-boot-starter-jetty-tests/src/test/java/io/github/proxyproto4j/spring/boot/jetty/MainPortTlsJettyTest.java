package io.github.proxyproto4j.spring.boot.jetty;

import static io.github.proxyproto4j.spring.boot.jetty.Jetty.CLIENT_IP;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.CLIENT_PORT;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.assertClient;
import static io.github.proxyproto4j.spring.boot.jetty.Jetty.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.test.HttpResult;
import java.util.List;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V1;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * proxy-protocol.enabled=true with server.ssl.* and server.http2.enabled: Boot builds its TLS connector
 * [ssl, alpn, h2, http/1.1] before the server customizers run, and the starter puts PROXY in front of it.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.enabled=true", "proxy-protocol.trusted-proxies=127.0.0.1/32", "server.address=127.0.0.1",
    "server.http2.enabled=true", "server.ssl.key-store-password=" + TestTls.PASSWORD,
    "server.ssl.key-store-type=PKCS12"})
class MainPortTlsJettyTest {

    @DynamicPropertySource
    static void keyStore(DynamicPropertyRegistry registry) {
        registry.add("server.ssl.key-store", TestTls::location);
    }

    @LocalServerPort
    int port;

    @Autowired
    ServletWebServerApplicationContext context;

    @Test
    void proxyComesFirstInBootsTlsChain() {
        assertEquals(List.of("proxy", "ssl", "alpn", "h2", "http/1.1"),
                Jetty.mainConnector(context.getWebServer()).getProtocols());
        assertEquals(1, Jetty.server(context.getWebServer()).getConnectors().length, "no extra connector");
    }

    @Test
    void httpsAfterAV1Header() {
        HttpResult r = client(port).v1().tlsTrustAll().get("/ip");
        assertEquals(200, r.status(), r::toString);
        assertClient(r.body());
        assertTrue(r.body().contains("secure=true\nscheme=https\nprotocol=HTTP/1.1\n"), r.body());
    }

    @Test
    void httpsAfterAV2HeaderWithItsDestination() {
        HttpResult r = client(port).v2().destination("192.0.2.10", 8443).tlsTrustAll().get("/ip");
        assertEquals(200, r.status(), r::toString);
        assertClient(r.body());
        assertTrue(r.body().contains("local=192.0.2.10:8443\n"), r.body());
        assertTrue(r.body().contains("secure=true\n"), r.body());
    }

    @Test
    void h2ByAlpnAfterAV1Header() throws Exception {
        ContentResponse r = Jetty.h2Get(port, true, new V1.Tag(CLIENT_IP, CLIENT_PORT));
        assertEquals(200, r.getStatus());
        assertEquals(HttpVersion.HTTP_2, r.getVersion());
        assertClient(r.getContentAsString());
        assertTrue(r.getContentAsString().contains("secure=true\nscheme=https\nprotocol=HTTP/2.0\n"),
                r.getContentAsString());
    }

    @Test
    void withoutAHeaderNotOneByteComesBack() {
        assertTrue(client(port).noHeader().tlsTrustAll().get("/ip").closedWithoutResponse(), "TLS first");
        assertTrue(client(port).noHeader().get("/ip").closedWithoutResponse(), "plain HTTP first");
    }
}

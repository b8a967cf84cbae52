package io.github.proxyproto4j.spring.boot.jetty;

import static io.github.proxyproto4j.spring.boot.jetty.Jetty.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.spring.boot.ProxyProtocolSetup;
import io.github.proxyproto4j.test.HttpResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

/** Neither proxy-protocol.enabled nor proxy-protocol.port: other proxy-protocol.* settings change nothing. */
@SpringBootTest(classes = TestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.trusted-proxies=127.0.0.1/32", "proxy-protocol.mode=mixed", "server.address=127.0.0.1"})
class NotEnabledJettyTest {

    @LocalServerPort
    int port;

    @Autowired
    ServletWebServerApplicationContext context;

    @Test
    void nothingChanges() {
        assertEquals(List.of("http/1.1"), Jetty.mainConnector(context.getWebServer()).getProtocols());
        assertEquals(1, Jetty.server(context.getWebServer()).getConnectors().length);
        assertEquals(0, context.getBeanNamesForType(ProxyProtocolSetup.class).length);
        assertFalse(context.getEnvironment().containsProperty("local.proxy-protocol.port"));

        HttpResult plain = client(port).noHeader().get("/ip");
        assertEquals(200, plain.status(), plain::toString);
        assertTrue(plain.body().contains("remote=127.0.0.1:"), plain.body());
        // A PROXY line is no HTTP request to a plain Jetty connector.
        assertEquals(400, client(port).v1().get("/ip").status());
    }
}

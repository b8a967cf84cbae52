package io.github.proxyproto4j.samples.bootjetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.test.HttpResult;
import io.github.proxyproto4j.test.ProxyProtocolClient;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The Jetty Boot sample as application.properties sets it up, on free ports: the PROXY port applies the header,
 * server.port stays plain, Actuator counts the connections. The test client connects from 127.0.0.1, the one
 * trusted proxy.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.port=0", "proxy-protocol.trusted-proxies=127.0.0.1/32", "server.address=127.0.0.1"})
class EchoJettyApplicationTest {
    private static final String SERVER = "jetty/";

    @Value("${local.proxy-protocol.port}")
    int proxyPort;

    @Value("${local.server.port}")
    int serverPort;

    private ProxyProtocolClient proxied() {
        return ProxyProtocolClient.to("127.0.0.1", proxyPort).bind("127.0.0.1").source("203.0.113.7", 40000);
    }

    private ProxyProtocolClient plain() {
        return ProxyProtocolClient.to("127.0.0.1", serverPort).bind("127.0.0.1").noHeader();
    }

    @Test
    void theProxyPortReportsTheClientFromTheHeader() {
        assertTrue(proxyPort > 0, "local.proxy-protocol.port");
        assertNotEquals(serverPort, proxyPort);
        HttpResult r = proxied().get("/hello?x=1");
        assertEquals(200, r.status(), r.toString());
        String body = r.body();
        assertTrue(body.contains("\tclient_address=203.0.113.7\n"), body);
        assertTrue(body.contains("\treal path=/hello\n"), body);
        assertTrue(body.contains("\tserver_version=" + SERVER), body);
        assertTrue(body.contains("\tversion=1\n"), body);
        assertTrue(body.contains("\tsource=203.0.113.7:40000\n"), body);
        assertTrue(body.contains("\tproxy_address=127.0.0.1\n"), body);
    }

    @Test
    void aV2HeaderWorksTheSame() {
        String body = proxied().v2().get("/").body();
        assertTrue(body.contains("\tclient_address=203.0.113.7\n"), body);
        assertTrue(body.contains("\tversion=2\n"), body);
    }

    @Test
    void thePlainPortReportsTheSocketPeer() {
        HttpResult r = plain().get("/");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.body().contains("\tclient_address=127.0.0.1\n"), r.body());
        assertTrue(r.body().contains("\t-no PROXY header-\n"), r.body());
    }

    @Test
    void theProxyPortClosesARequestWithoutHeaderWithoutAByte() {
        HttpResult r = ProxyProtocolClient.to("127.0.0.1", proxyPort).bind("127.0.0.1").noHeader().get("/");
        assertTrue(r.closedWithoutResponse(), r.toString());
    }

    @Test
    void actuatorOnThePlainPortCountsTheConnections() {
        assertEquals(200, proxied().get("/").status());
        HttpResult health = plain().get("/actuator/health");
        assertEquals(200, health.status(), health.toString());
        assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
        HttpResult r = plain().get("/actuator/metrics/proxy.protocol.connections?tag=outcome:accepted");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.body().contains("\"name\":\"proxy.protocol.connections\""), r.body());
        Matcher count = Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.]+)").matcher(r.body());
        assertTrue(count.find(), r.body());
        assertTrue(Double.parseDouble(count.group(1)) >= 1, r.body());
    }
}

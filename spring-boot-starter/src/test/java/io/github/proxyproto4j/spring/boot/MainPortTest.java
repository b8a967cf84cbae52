package io.github.proxyproto4j.spring.boot;

import static io.github.proxyproto4j.spring.boot.Clients.CLIENT;
import static io.github.proxyproto4j.spring.boot.Clients.ok;
import static io.github.proxyproto4j.spring.boot.Clients.plain;
import static io.github.proxyproto4j.spring.boot.Clients.proxy;
import static io.github.proxyproto4j.spring.boot.Clients.withForwardedFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.proxyproto4j.spring.boot.testapp.TestApp;
import io.github.proxyproto4j.test.HttpResult;
import io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;

/**
 * {@code proxy-protocol.enabled=true}: server.port itself requires PROXY; the forwarded-header guard with its
 * default (no forwarders); Actuator on a separate management port, which stays plain.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.enabled=true",
    "proxy-protocol.trusted-proxies=127.0.0.1/32",
    "server.address=127.0.0.1",
    "spring.main.cloud-platform=kubernetes",
    "management.server.port=0",
    "management.server.address=127.0.0.1",
    "management.endpoints.web.exposure.include=health,metrics"})
class MainPortTest {

    @Value("${local.server.port}")
    int serverPort;

    @Value("${local.management.port}")
    int managementPort;

    @Autowired
    ApplicationContext context;

    @Autowired
    MeterRegistry registry;

    @Test
    void serverPortIsThePROXYConnectorAndNoOtherConnectorIsAdded() {
        assertThat(Servers.connectors(context)).singleElement()
                .satisfies(c -> assertThat(c.getProtocolHandler()).isInstanceOf(ProxyProtocolHttp11NioProtocol.class))
                .satisfies(c -> assertThat(c.getLocalPort()).isEqualTo(serverPort));
        assertThat(context.getEnvironment().containsProperty("local.proxy-protocol.port")).isFalse();
    }

    @Test
    void serverPortAppliesTheHeader() {
        assertThat(ok(proxy(serverPort).get("/echo"))).contains("remote=" + CLIENT + ":40000\n",
                "proxy.address=127.0.0.1\n");
        assertThat(ok(proxy(serverPort).v2().source("192.0.2.1", 50000).get("/echo")))
                .contains("remote=192.0.2.1:50000\n");
    }

    @Test
    void serverPortRequiresTheHeader() {
        assertThat(plain(serverPort).get("/echo").closedWithoutResponse()).isTrue();
        assertThat(proxy(serverPort).bind("127.0.0.2").get("/echo").closedWithoutResponse()).isTrue();
    }

    @Test
    void aLocalHeaderKeepsTheConnectionsAddress() {
        assertThat(ok(proxy(serverPort).v2().local().get("/echo"))).contains("remote=127.0.0.1:");
    }

    // ---------------------------------------------------------------- forwarded headers: default, none honoured

    @Test
    void bootTurnedForwardedHeadersOnForTheCloudPlatform() {
        assertThat(Servers.engineValves(context)).containsSubsequence("ForwardedHeadersGuardValve", "RemoteIpValve");
    }

    @Test
    void forwardedHeadersFromAPublicClientAreIgnored() {
        assertThat(ok(withForwardedFor(proxy(serverPort)))).contains("remote=" + CLIENT + ":40000\n");
    }

    @Test
    void forwardedHeadersFromALoopbackClientAreIgnoredThoughRemoteIpValveTrusts127() {
        assertThat(ok(withForwardedFor(proxy(serverPort).source("127.0.0.42", 40000))))
                .contains("remote=127.0.0.42:40000\n");
    }

    @Test
    void forwardedHeadersFromAPrivateClientAreIgnoredByDefault() {
        HttpResult r = Clients.get(proxy(serverPort).source("10.0.0.5", 40000), "/echo",
                Map.of("X-Forwarded-For", Clients.FORWARDED, "X-Forwarded-Proto", "https"));
        assertThat(ok(r)).contains("remote=10.0.0.5:40000\n", "secure=false\n", "scheme=http\n");
    }

    // ---------------------------------------------------------------- the management port stays plain

    @Test
    void theManagementPortAnswersWithoutAHeader() {
        assertThat(managementPort).isPositive().isNotEqualTo(serverPort);
        assertThat(ok(plain(managementPort).get("/actuator/health"))).contains("\"status\":\"UP\"");
        assertThat(plain(serverPort).get("/actuator/health").closedWithoutResponse()).isTrue();
        // and does not read one
        assertThat(proxy(managementPort).get("/actuator/health").status()).isEqualTo(400);
    }

    @Test
    void theMetricsEndpointOnTheManagementPortShowsTheCounter() {
        double before = Metrics.connections(registry, "accepted", "none");
        ok(proxy(serverPort).get("/echo"));
        await().atMost(Duration.ofSeconds(5)).until(() -> Metrics.connections(registry, "accepted", "none") > before);
        String body = ok(plain(managementPort).get("/actuator/metrics/" + ProxyProtocolMetrics.CONNECTIONS
                + "?tag=outcome:accepted"));
        assertThat(body).contains("\"name\":\"proxy.protocol.connections\"", "\"statistic\":\"COUNT\"")
                .doesNotContain("\"value\":0.0");
    }
}

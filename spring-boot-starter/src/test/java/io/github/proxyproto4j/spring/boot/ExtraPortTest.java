package io.github.proxyproto4j.spring.boot;

import static io.github.proxyproto4j.spring.boot.Clients.CLIENT;
import static io.github.proxyproto4j.spring.boot.Clients.FORWARDED;
import static io.github.proxyproto4j.spring.boot.Clients.ok;
import static io.github.proxyproto4j.spring.boot.Clients.plain;
import static io.github.proxyproto4j.spring.boot.Clients.proxy;
import static io.github.proxyproto4j.spring.boot.Clients.withForwardedFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.proxyproto4j.spring.boot.testapp.TestApp;
import io.github.proxyproto4j.test.HttpResult;
import io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;

/**
 * {@code proxy-protocol.port=0}: an extra connector on a free port requires PROXY while server.port stays plain;
 * the forwarded-header guard with an ingress in {@code forwarded-trusted-proxies}; Micrometer.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.port=0",
    "proxy-protocol.trusted-proxies=127.0.0.1/32",
    "proxy-protocol.forwarded-trusted-proxies=10.0.0.5",
    "server.address=127.0.0.1",
    "spring.main.cloud-platform=kubernetes",
    "management.endpoints.web.exposure.include=health,metrics"})
class ExtraPortTest {

    @Value("${local.proxy-protocol.port}")
    int proxyPort;

    @Value("${local.server.port}")
    int serverPort;

    @Autowired
    ApplicationContext context;

    @Autowired
    MeterRegistry registry;

    // ---------------------------------------------------------------- the two ports

    @Test
    void aFreePortIsPickedAndPublishedAsLocalProxyProtocolPort() {
        assertThat(proxyPort).isPositive().isNotEqualTo(serverPort);
        Connector pp = Servers.proxyConnector(context);
        assertThat(pp.getLocalPort()).isEqualTo(proxyPort);
        assertThat(Servers.connectors(context)).hasSize(2);
        assertThat(context.getEnvironment().getProperty("local.proxy-protocol.port", Integer.class)).isEqualTo(proxyPort);
    }

    @Test
    void theExtraConnectorBindsToServerAddress() {
        assertThat(String.valueOf(Servers.proxyConnector(context).getProperty("address"))).contains("127.0.0.1");
    }

    @Test
    void theExtraPortAppliesTheHeader() {
        String v1 = ok(proxy(proxyPort).get("/echo"));
        assertThat(v1).contains("remote=" + CLIENT + ":40000\n", "secure=false\n", "proxy.address=127.0.0.1\n");
        String v2 = ok(proxy(proxyPort).v2().source("2001:db8::7", 40001).destination("2001:db8::1", 443).get("/echo"));
        assertThat(v2).contains("remote=2001:db8:0:0:0:0:0:7:40001\n");
    }

    @Test
    void theExtraPortRequiresTheHeader() {
        assertThat(plain(proxyPort).get("/echo").closedWithoutResponse()).isTrue();
        // from a peer outside trusted-proxies, even with a header
        assertThat(proxy(proxyPort).bind("127.0.0.2").get("/echo").closedWithoutResponse()).isTrue();
    }

    @Test
    void serverPortStaysPlain() {
        assertThat(ok(plain(serverPort).get("/echo"))).contains("remote=127.0.0.1:");
        assertThat(Servers.tomcat(context).getTomcat().getConnector().getProtocolHandler())
                .isNotInstanceOf(ProxyProtocolHttp11NioProtocol.class);
        // a header there is not read: Tomcat takes it for a bad request line
        HttpResult r = proxy(serverPort).get("/echo");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
    }

    // ---------------------------------------------------------------- forwarded headers

    @Test
    void bootTurnedForwardedHeadersOnForTheCloudPlatform() {
        assertThat(Servers.engineValves(context)).containsSubsequence("ForwardedHeadersGuardValve", "RemoteIpValve");
    }

    @Test
    void forwardedHeadersFromAPublicClientAreIgnored() {
        assertThat(ok(withForwardedFor(proxy(proxyPort)))).contains("remote=" + CLIENT + ":40000\n");
    }

    @Test
    void forwardedHeadersFromALoopbackClientAreIgnoredThoughRemoteIpValveTrusts127() {
        String body = ok(withForwardedFor(proxy(proxyPort).source("127.0.0.42", 40000)));
        assertThat(body).contains("remote=127.0.0.42:40000\n");
    }

    @Test
    void forwardedHeadersFromAnIngressInForwardedTrustedProxiesAreHonoured() {
        String body = ok(withForwardedFor(proxy(proxyPort).source("10.0.0.5", 40000)));
        assertThat(body).contains("remote=" + FORWARDED + ":");
        // the next hop is not in the list
        assertThat(ok(withForwardedFor(proxy(proxyPort).source("10.0.0.6", 40000)))).contains("remote=10.0.0.6:40000\n");
    }

    @Test
    void serverPortKeepsBootsUsualForwardedHeaderHandling() {
        assertThat(ok(withForwardedFor(plain(serverPort)))).contains("remote=" + FORWARDED + ":");
    }

    // ---------------------------------------------------------------- Micrometer

    @Test
    void accepted() {
        double before = Metrics.connections(registry, "accepted", "none");
        ok(proxy(proxyPort).get("/echo"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Metrics.connections(registry, "accepted", "none") == before + 1);
    }

    @Test
    void local() {
        double before = Metrics.connections(registry, "local", "none");
        assertThat(ok(proxy(proxyPort).v2().local().get("/echo"))).contains("remote=127.0.0.1:");
        await().atMost(Duration.ofSeconds(5)).until(() -> Metrics.connections(registry, "local", "none") == before + 1);
    }

    @Test
    void rejectedWithTheReason() {
        double notProxy = Metrics.connections(registry, "rejected", "not_proxy");
        double untrusted = Metrics.connections(registry, "rejected", "untrusted_peer");
        assertThat(plain(proxyPort).get("/echo").closedWithoutResponse()).isTrue();
        assertThat(proxy(proxyPort).bind("127.0.0.2").get("/echo").closedWithoutResponse()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> Metrics.connections(registry, "rejected", "not_proxy") == notProxy + 1
                && Metrics.connections(registry, "rejected", "untrusted_peer") == untrusted + 1);
    }

    @Test
    void pendingCountsConnectionsWaitingForTheirHeader() throws Exception {
        assertThat(Metrics.pending(registry)).isZero();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", proxyPort));
            OutputStream out = s.getOutputStream();
            out.write("PROXY TCP4 ".getBytes(StandardCharsets.US_ASCII)); // a partial header
            out.flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> Metrics.pending(registry) == 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> Metrics.pending(registry) == 0);
    }

    @Test
    void theMetersAreTaggedByOutcomeAndReasonOnly() {
        ok(proxy(proxyPort).get("/echo"));
        Set<Meter> meters = Set.copyOf(registry.find(ProxyProtocolMetrics.CONNECTIONS).meters());
        assertThat(meters).isNotEmpty();
        for (Meter m : meters) {
            assertThat(m.getId().getTags().stream().map(t -> t.getKey()).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("outcome", "reason");
        }
        assertThat(meters.stream().map(m -> m.getId().getTag("outcome")).collect(Collectors.toSet()))
                .contains("accepted", "local", "ignored", "direct");
    }

    @Test
    void theMetricsEndpointShowsTheCounterByOutcomeAndReason() {
        assertThat(plain(proxyPort).get("/echo").closedWithoutResponse()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> Metrics.connections(registry, "rejected", "not_proxy") >= 1);
        String all = ok(plain(serverPort).get("/actuator/metrics/" + ProxyProtocolMetrics.CONNECTIONS));
        assertThat(all).contains("\"name\":\"proxy.protocol.connections\"", "\"tag\":\"outcome\"", "\"tag\":\"reason\"",
                "\"accepted\"", "\"rejected\"", "\"not_proxy\"");
        String rejected = ok(plain(serverPort).get("/actuator/metrics/" + ProxyProtocolMetrics.CONNECTIONS
                + "?tag=outcome:rejected&tag=reason:not_proxy"));
        assertThat(rejected).contains("\"statistic\":\"COUNT\"").doesNotContain("\"value\":0.0");
        assertThat(ok(plain(serverPort).get("/actuator/metrics/" + ProxyProtocolMetrics.PENDING)))
                .contains("\"name\":\"proxy.protocol.pending\"");
    }
}

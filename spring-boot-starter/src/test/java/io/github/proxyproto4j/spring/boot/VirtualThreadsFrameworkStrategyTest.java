package io.github.proxyproto4j.spring.boot;

import static io.github.proxyproto4j.spring.boot.Clients.CLIENT;
import static io.github.proxyproto4j.spring.boot.Clients.ok;
import static io.github.proxyproto4j.spring.boot.Clients.plain;
import static io.github.proxyproto4j.spring.boot.Clients.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxyproto4j.spring.boot.testapp.TestApp;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * {@code proxy-protocol.enabled=true} with two more of Boot's settings (one context for both):
 * <ul>
 * <li>{@code spring.threads.virtual.enabled=true}: Boot gives server.port's connector a virtual-thread executor
 * (on Java 21 and later; Boot ignores the property on 17), and the header is still read and applied;</li>
 * <li>{@code server.forward-headers-strategy=framework}: Spring's ForwardedHeaderFilter, which believes any peer,
 * sees no forwarded header from behind the load balancer (the guard Valve runs before the filter chain), except from
 * a client in {@code proxy-protocol.forwarded-trusted-proxies}.</li>
 * </ul>
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.enabled=true",
    "proxy-protocol.trusted-proxies=127.0.0.1/32",
    "server.address=127.0.0.1",
    "spring.threads.virtual.enabled=true",
    "server.forward-headers-strategy=framework",
    "proxy-protocol.forwarded-trusted-proxies=10.0.0.5"})
class VirtualThreadsFrameworkStrategyTest {

    @Value("${local.server.port}")
    int serverPort;

    @Test
    void theHeaderIsAppliedOnVirtualThreads() {
        String body = ok(proxy(serverPort).get("/echo"));
        assertThat(body).contains("remote=" + CLIENT + ":40000\n");
        boolean java21 = Runtime.version().feature() >= 21;
        assertThat(body).contains("virtual=" + java21 + "\n");
        assertThat(ok(proxy(serverPort).v2().source("192.0.2.1", 50000).get("/echo")))
                .contains("remote=192.0.2.1:50000\n");
    }

    @Test
    void aConnectionWithoutTheHeaderIsStillClosed() {
        assertThat(plain(serverPort).get("/echo").closedWithoutResponse()).isTrue();
    }

    @Test
    void theFrameworkFilterSeesNoForwardedHeadersFromBehindPROXY() {
        Map<String, String> forwarded = Map.of("X-Forwarded-For", Clients.FORWARDED, "X-Forwarded-Proto", "https",
                "Forwarded", "for=" + Clients.FORWARDED + ";proto=https");
        for (String client : new String[] {CLIENT, "127.0.0.42", "10.0.0.6"}) {
            String body = ok(Clients.get(proxy(serverPort).source(client, 40000), "/echo", forwarded));
            assertThat(body).contains("remote=" + client + ":40000\n", "secure=false\n", "scheme=http\n");
        }
        String ingress = ok(Clients.get(proxy(serverPort).source("10.0.0.5", 40000), "/echo", forwarded));
        assertThat(ingress).contains("remote=" + Clients.FORWARDED + ":", "secure=true\n", "scheme=https\n");
    }
}

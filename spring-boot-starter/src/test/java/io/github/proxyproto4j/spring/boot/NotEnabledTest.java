package io.github.proxyproto4j.spring.boot;

import static io.github.proxyproto4j.spring.boot.Clients.ok;
import static io.github.proxyproto4j.spring.boot.Clients.plain;
import static io.github.proxyproto4j.spring.boot.Clients.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxyproto4j.core.ProxyProtocolListener;
import io.github.proxyproto4j.spring.boot.testapp.TestApp;
import io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.ApplicationContext;

/**
 * Neither {@code proxy-protocol.enabled} nor {@code proxy-protocol.port}: nothing changes, even with other
 * {@code proxy-protocol.*} keys set (here an invalid one, which is not even read).
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.enabled=false",
    "proxy-protocol.trusted-proxies=10.0.0.0/33",
    "server.address=127.0.0.1"})
class NotEnabledTest {

    @Value("${local.server.port}")
    int serverPort;

    @Autowired
    ApplicationContext context;

    @Test
    void noBeanOfTheStarter() {
        assertThat(context.getBeansOfType(ProxyProtocolSetup.class)).isEmpty();
        assertThat(context.getBeansOfType(ProxyProtocolProperties.class)).isEmpty();
        assertThat(context.getBeansOfType(ProxyProtocolListener.class)).isEmpty();
        assertThat(context.getBeansOfType(ProxyProtocolPortPublisher.class)).isEmpty();
        assertThat(context.getBeansOfType(WebServerFactoryCustomizer.class).values())
                .noneMatch(c -> c.getClass().getName().startsWith("io.github.proxyproto4j"));
        assertThat(context.getEnvironment().containsProperty("local.proxy-protocol.port")).isFalse();
    }

    @Test
    void tomcatIsAsBootMakesIt() {
        assertThat(Servers.connectors(context)).singleElement()
                .satisfies(c -> assertThat(c.getProtocolHandler()).isNotInstanceOf(ProxyProtocolHttp11NioProtocol.class));
        assertThat(Servers.engineValves(context)).noneMatch(v -> v.contains("Proxy") || v.contains("Forwarded"));
    }

    @Test
    void aPlainRequestWorks() {
        assertThat(ok(plain(serverPort).get("/echo"))).contains("remote=127.0.0.1:");
        // a header is not read: it is a bad request line
        assertThat(proxy(serverPort).get("/echo").status()).isEqualTo(400);
    }
}

package io.github.proxyproto4j.spring.boot;

import static io.github.proxyproto4j.spring.boot.Clients.ok;
import static io.github.proxyproto4j.spring.boot.Clients.plain;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxyproto4j.spring.boot.testapp.TestApp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code proxy-protocol.port} with TLS from the SSL bundle {@code proxy-protocol.ssl.bundle} and h2 from
 * {@code server.http2.enabled}; server.port stays plain HTTP.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.port=0",
    "proxy-protocol.trusted-proxies=127.0.0.1/32",
    "proxy-protocol.ssl.bundle=web",
    "spring.ssl.bundle.jks.web.keystore.type=PKCS12",
    "spring.ssl.bundle.jks.web.keystore.password=" + TestKeystore.PASSWORD,
    "spring.ssl.bundle.jks.web.key.alias=" + TestKeystore.ALIAS,
    "server.address=127.0.0.1",
    "server.http2.enabled=true"})
class TlsExtraPortTest extends AbstractTlsTest {

    @DynamicPropertySource
    static void keystore(DynamicPropertyRegistry registry) {
        registry.add("spring.ssl.bundle.jks.web.keystore.location", TestKeystore::location);
    }

    @Value("${local.proxy-protocol.port}")
    int proxyPort;

    @Value("${local.server.port}")
    int serverPort;

    @Override
    int tlsProxyPort() {
        return proxyPort;
    }

    @Test
    void serverPortStaysPlainHttp() {
        assertThat(ok(plain(serverPort).get("/echo"))).contains("remote=127.0.0.1:", "secure=false\n");
    }
}

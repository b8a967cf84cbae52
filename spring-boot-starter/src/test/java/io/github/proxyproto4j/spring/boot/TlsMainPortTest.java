package io.github.proxyproto4j.spring.boot;

import io.github.proxyproto4j.spring.boot.testapp.TestApp;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code proxy-protocol.enabled=true} with Boot's own {@code server.ssl.*} and {@code server.http2.enabled}. */
@SpringBootTest(classes = TestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.enabled=true",
    "proxy-protocol.trusted-proxies=127.0.0.1/32",
    "server.address=127.0.0.1",
    "server.http2.enabled=true",
    "server.ssl.key-store-type=PKCS12",
    "server.ssl.key-store-password=" + TestKeystore.PASSWORD,
    "server.ssl.key-alias=" + TestKeystore.ALIAS})
class TlsMainPortTest extends AbstractTlsTest {

    @DynamicPropertySource
    static void keystore(DynamicPropertyRegistry registry) {
        registry.add("server.ssl.key-store", TestKeystore::location);
    }

    @Value("${local.server.port}")
    int serverPort;

    @Override
    int tlsProxyPort() {
        return serverPort;
    }
}

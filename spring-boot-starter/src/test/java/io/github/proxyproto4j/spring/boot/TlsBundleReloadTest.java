package io.github.proxyproto4j.spring.boot;

import static io.github.proxyproto4j.spring.boot.Clients.ok;
import static io.github.proxyproto4j.spring.boot.Clients.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.proxyproto4j.spring.boot.testapp.TestApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A reloadable SSL bundle on the extra port: a new keystore file replaces the served certificate, as on server.port. */
@SpringBootTest(classes = TestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.port=0",
    "proxy-protocol.trusted-proxies=127.0.0.1/32",
    "proxy-protocol.ssl.bundle=reloading",
    "spring.ssl.bundle.jks.reloading.keystore.type=PKCS12",
    "spring.ssl.bundle.jks.reloading.keystore.password=" + TestKeystore.PASSWORD,
    "spring.ssl.bundle.jks.reloading.key.alias=" + TestKeystore.ALIAS,
    "spring.ssl.bundle.jks.reloading.reload-on-update=true",
    "spring.ssl.bundle.watch.file.quiet-period=50ms",
    "server.address=127.0.0.1"})
class TlsBundleReloadTest {
    private static Path store;

    @DynamicPropertySource
    static void keystore(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory("proxyproto4j-starter-reload");
        dir.toFile().deleteOnExit();
        store = TestKeystore.generate(dir.resolve("reloading.p12"), "first");
        registry.add("spring.ssl.bundle.jks.reloading.keystore.location", () -> store.toUri().toString());
    }

    @Value("${local.proxy-protocol.port}")
    int proxyPort;

    private String servedCertificate() {
        try (Socket s = proxy(proxyPort).tlsTrustAll().open()) {
            X509Certificate cert = (X509Certificate) ((SSLSocket) s).getSession().getPeerCertificates()[0];
            return cert.getSubjectX500Principal().getName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anUpdatedKeystoreIsServedWithoutARestart() {
        assertThat(servedCertificate()).isEqualTo("CN=first");
        TestKeystore.generate(store, "second");
        await().atMost(Duration.ofSeconds(20)).until(() -> servedCertificate().equals("CN=second"));
        assertThat(ok(proxy(proxyPort).tlsTrustAll().get("/echo"))).contains("secure=true\n");
    }
}

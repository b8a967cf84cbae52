package io.github.proxyproto4j.samples.bootjetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.test.HttpResult;
import io.github.proxyproto4j.test.ProxyProtocolClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Jetty Boot sample with TLS and HTTP/2 on its PROXY port through properties only, as samples/README.md runs
 * it: {@code server.http2.enabled=true}, {@code proxy-protocol.ssl.bundle=app} and the bundle's key store
 * ({@code spring.ssl.bundle.jks.app.keystore.*}, a PKCS12 file made with keytool here). The client plays the load
 * balancer passing TLS through: the header in cleartext, then TLS on the same socket, h2 or HTTP/1.1 by ALPN.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.port=0", "proxy-protocol.trusted-proxies=127.0.0.1/32", "server.address=127.0.0.1",
    "server.http2.enabled=true", "proxy-protocol.ssl.bundle=app",
    "spring.ssl.bundle.jks.app.keystore.password=changeit", "spring.ssl.bundle.jks.app.keystore.type=PKCS12"})
class EchoJettyApplicationTlsTest {
    private static final String SERVER = "jetty/";
    private static Path dir;

    @Value("${local.proxy-protocol.port}")
    int proxyPort;

    @Value("${local.server.port}")
    int serverPort;

    /** The key store, made as samples/README.md says, before the application starts. */
    @DynamicPropertySource
    static void keyStore(DynamicPropertyRegistry registry) throws IOException, InterruptedException {
        dir = Files.createTempDirectory("EchoJettyApplicationTlsTest");
        Path file = dir.resolve("ks.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "app", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", "changeit",
                "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        registry.add("spring.ssl.bundle.jks.app.keystore.location", () -> "file:" + file);
    }

    @AfterAll
    static void deleteKeyStore() throws IOException {
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private ProxyProtocolClient proxied() {
        return ProxyProtocolClient.to("127.0.0.1", proxyPort).bind("127.0.0.1").source("203.0.113.7", 40000);
    }

    @Test
    void headerThenTlsGivesTheClientOverHttps() {
        HttpResult r = proxied().v2().tlsTrustAll().get("/tls?x=1");
        assertEquals(200, r.status(), r.toString());
        String body = r.body();
        assertTrue(body.contains("\tclient_address=203.0.113.7\n"), body);
        assertTrue(body.contains("\trequest_scheme=https\n"), body);
        assertTrue(body.contains("\trequest_version=HTTP/1.1\n"), body);
        assertTrue(body.contains("\tserver_version=" + SERVER), body);
        assertTrue(body.contains("\tversion=2\n"), body);
        assertTrue(body.contains("\tproxy_address=127.0.0.1\n"), body);
    }

    @Test
    void alpnNegotiatesH2AfterTheHeader() throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            socket.connect(new InetSocketAddress("127.0.0.1", proxyPort), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(proxied().headerBytes());
            socket.getOutputStream().flush();
            try (SSLSocket tls = tls(socket, "h2", "http/1.1")) {
                tls.startHandshake();
                assertEquals("h2", tls.getApplicationProtocol());
                // The client's connection preface and an empty SETTINGS frame; the server answers with its SETTINGS.
                OutputStream out = tls.getOutputStream();
                out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
                out.flush();
                byte[] frame = tls.getInputStream().readNBytes(9);
                assertEquals(9, frame.length);
                assertEquals(4, frame[3]);
            }
        }
    }

    @Test
    void tlsWithoutAHeaderGetsNothing() {
        HttpResult r;
        try {
            r = ProxyProtocolClient.to("127.0.0.1", proxyPort).bind("127.0.0.1").noHeader().tlsTrustAll().get("/");
        } catch (UncheckedIOException e) {
            return; // the handshake failed: the connection was closed before a byte came back
        }
        assertTrue(r.closedWithoutResponse(), r.toString());
    }

    @Test
    void thePlainPortSpeaksH2c() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + "/h2c")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, response.version());
        assertTrue(response.body().contains("\trequest_version=HTTP/2.0\n"), response.body());
    }

    /** TLS over an already connected socket (after the header), trusting any certificate, offering ALPN. */
    private static SSLSocket tls(Socket socket, String... alpn) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "localhost",
                socket.getPort(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setApplicationProtocols(alpn);
        tls.setSSLParameters(parameters);
        return tls;
    }

    /** Trusts every certificate: the test's own self-signed one. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

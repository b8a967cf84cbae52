package io.github.proxyproto4j.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS after the header, against a self-signed certificate made with keytool for the run. */
class ProxyProtocolClientTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;

    static Path keystore;
    static SSLContext serverContext;
    static SSLContext clientContext;

    @BeforeAll
    static void keystore() throws Exception {
        keystore = dir.resolve("server.p12");
        generate(keystore, "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", ks.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
    }

    static void generate(Path file, String dname, String san) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", dname, "-ext", san, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        p.getInputStream().transferTo(output);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool timed out");
        assertEquals(0, p.exitValue(), "keytool: " + output);
    }

    private static byte[] v2(int port) {
        return ProxyHeaderEncoder.encodeV2(ProxyHeader.builder()
                .addresses(new InetSocketAddress("203.0.113.7", 40000), new InetSocketAddress("127.0.0.1", port))
                .build(), false);
    }

    @Test
    void headerInClearThenTlsWithTrustedCertificateAndHostName() throws Exception {
        try (TestServer server = new TestServer(28, TestServer.Action.RESPOND, TestServer.ok("secure"), serverContext)) {
            HttpResult r = ProxyProtocolClient.to("localhost", server.port()).v2().tls(clientContext).get("/tls");
            assertEquals(200, r.status());
            assertEquals("secure", r.body());
            TestServer.Received got = server.take();
            assertArrayEquals(v2(server.port()), got.header());
            assertEquals("GET /tls HTTP/1.1", got.requestLine());
            assertEquals("localhost:" + server.port(), got.header("Host"));
        }
    }

    @Test
    void trustAllAcceptsAnyCertificate() throws Exception {
        try (TestServer server = new TestServer(28, TestServer.Action.RESPOND, TestServer.ok("any"), serverContext)) {
            HttpResult r = ProxyProtocolClient.to(URI.create("https://127.0.0.1:" + server.port() + "/x"))
                    .v2().tlsTrustAll().get();
            assertEquals("any", r.body());
            assertEquals("GET /x HTTP/1.1", server.take().requestLine());
        }
    }

    @Test
    void openGivesTheTlsSocket() throws Exception {
        try (TestServer server = new TestServer(28, TestServer.Action.RESPOND, TestServer.ok("s"), serverContext)) {
            try (SSLSocket s = (SSLSocket) ProxyProtocolClient.to("localhost", server.port()).v2()
                    .tls(clientContext).open()) {
                assertFalse(s.getSession().getProtocol().isEmpty());
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                assertTrue(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).endsWith("\r\n\r\ns"));
            }
        }
    }

    @Test
    void untrustedCertificateIsAnErrorNotAClosedConnection() throws Exception {
        try (TestServer server = new TestServer(28, TestServer.Action.RESPOND, TestServer.ok(""), serverContext)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> ProxyProtocolClient.to(URI.create("https://localhost:" + server.port() + "/")).v2().get());
            assertTrue(e.getCause() instanceof SSLException, e.toString());
        }
    }

    @Test
    void hostNameIsVerifiedWithTls() throws Exception {
        Path other = dir.resolve("other.p12");
        generate(other, "CN=other.example", "SAN=dns:other.example");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(other)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext wrongName = SSLContext.getInstance("TLS");
        wrongName.init(kmf.getKeyManagers(), null, null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("other", ks.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
        try (TestServer server = new TestServer(28, TestServer.Action.RESPOND, TestServer.ok("ok"), wrongName)) {
            assertThrows(UncheckedIOException.class,
                    () -> ProxyProtocolClient.to("localhost", server.port()).v2().tls(trusting).get("/"));
            // trust-all skips the name check too
            assertEquals("ok", ProxyProtocolClient.to("localhost", server.port()).v2().tlsTrustAll().get("/").body());
        }
    }

    @Test
    void serverClosingBeforeTheHandshakeIsClosedWithoutResponse() throws Exception {
        for (TestServer.Action action : List.of(TestServer.Action.CLOSE_AFTER_HEADER,
                TestServer.Action.RESET_AFTER_HEADER)) {
            try (TestServer server = new TestServer(28, action, null, serverContext)) {
                HttpResult r = ProxyProtocolClient.to("localhost", server.port()).v2().tls(clientContext).get("/");
                assertTrue(r.closedWithoutResponse(), action.name());
                assertArrayEquals(v2(server.port()), server.take().header());
            }
        }
    }
}

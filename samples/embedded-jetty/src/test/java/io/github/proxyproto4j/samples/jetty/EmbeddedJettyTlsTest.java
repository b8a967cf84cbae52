package io.github.proxyproto4j.samples.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample with {@code --server.ssl.key-store}: the PROXY port reads the header, then terminates TLS itself
 * ({@code [proxy, ssl, alpn, h2, http/1.1]}); the plain port speaks h2c. The client plays the load balancer passing
 * TLS through: a v1 header in cleartext, then TLS over the same socket.
 */
class EmbeddedJettyTlsTest {
    private static final String TRUSTED = "127.0.0.42";
    private static final String HEADER = "PROXY TCP4 198.51.100.7 127.0.0.1 40000 443\r\n";
    private static final String GET = "GET /tls?x=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

    private static Path dir;
    private static Path keyStore;
    private static Server server;
    private static String startupOutput;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("embedded-jetty-tls");
        keyStore = keytool(dir);
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            server = EmbeddedJetty.start("--server.address=127.0.0.1", "--server.port=0", "--proxy-protocol.port=0",
                    "--proxy-protocol.trusted-proxies=" + TRUSTED + "/32", "--server.ssl.key-store=" + keyStore,
                    "--server.ssl.key-store-password=changeit");
        } finally {
            System.setOut(stdout);
        }
        startupOutput = captured.toString(StandardCharsets.UTF_8);
        System.out.print(startupOutput);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void startupLineSaysTls() {
        Matcher proxied = Pattern.compile("(?m)^PROXY protocol \\+ TLS \\(required, trusted-proxies=127\\.0\\.0\\.42"
                + "(?:/32)?\\) on 127\\.0\\.0\\.1:(\\d+)$").matcher(startupOutput);
        assertTrue(proxied.find(), startupOutput);
        assertEquals(EmbeddedJetty.proxyPort(server), Integer.parseInt(proxied.group(1)));
        assertTrue(startupOutput.contains("plain HTTP on 127.0.0.1:" + EmbeddedJetty.plainPort(server) + "\n"),
                startupOutput);
    }

    @Test
    void theProxyConnectorIsProxySslAlpnH2Http11() {
        assertEquals(List.of("proxy", "ssl", "alpn", "h2", "http/1.1"),
                connector(EmbeddedJetty.PROXIED).getProtocols());
        assertEquals(List.of("http/1.1", "h2c"), connector(EmbeddedJetty.PLAIN).getProtocols());
    }

    @Test
    void headerThenTlsGivesTheRealClientOverHttps() throws Exception {
        try (Socket socket = connect(TRUSTED)) {
            socket.getOutputStream().write(HEADER.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            try (SSLSocket tls = tls(socket, "http/1.1")) {
                tls.startHandshake();
                assertEquals("http/1.1", tls.getApplicationProtocol());
                String response = exchange(tls, GET);
                assertTrue(response.startsWith("HTTP/1.1 200"), response);
                assertTrue(response.contains("\tclient_address=198.51.100.7\n"), response);
                assertTrue(response.contains("\trequest_scheme=https\n"), response);
                assertTrue(response.contains("\trequest_version=HTTP/1.1\n"), response);
                assertTrue(response.contains("Proxy Information:\n\tversion=1\n\tcommand=PROXY\n"
                        + "\tsource=198.51.100.7:40000\n\tdestination=127.0.0.1:443\n\tproxy_address=127.0.0.42\n"),
                        response);
            }
        }
    }

    @Test
    void aClientWithoutAlpnGetsHttp11() throws Exception {
        try (Socket socket = connect(TRUSTED)) {
            socket.getOutputStream().write(HEADER.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            try (SSLSocket tls = tls(socket)) {
                tls.startHandshake();
                String response = exchange(tls, GET);
                assertTrue(response.startsWith("HTTP/1.1 200"), response);
                assertTrue(response.contains("\tclient_address=198.51.100.7\n"), response);
            }
        }
    }

    @Test
    void alpnOffersH2() throws Exception {
        try (Socket socket = connect(TRUSTED)) {
            socket.getOutputStream().write(HEADER.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            try (SSLSocket tls = tls(socket, "h2", "http/1.1")) {
                tls.startHandshake();
                assertEquals("h2", tls.getApplicationProtocol());
                // The server's connection preface: a SETTINGS frame (type 4) on stream 0.
                OutputStream out = tls.getOutputStream();
                out.write(EmbeddedJettyTest.H2_PREFACE);
                out.flush();
                byte[] frame = tls.getInputStream().readNBytes(9);
                assertEquals(9, frame.length);
                assertEquals(4, frame[3]);
            }
        }
    }

    @Test
    void tlsWithoutAHeaderIsRefused() throws Exception {
        try (Socket socket = connect(TRUSTED); SSLSocket tls = tls(socket, "http/1.1")) {
            assertThrows(IOException.class, () -> {
                tls.startHandshake();
                exchange(tls, GET);
                throw new SocketException("answered without a header"); // reached only if the server answered
            });
        }
    }

    @Test
    void anUntrustedPeerGetsNoTls() throws Exception {
        try (Socket socket = connect("127.0.0.1")) {
            socket.getOutputStream().write(HEADER.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            try (SSLSocket tls = tls(socket, "http/1.1")) {
                assertThrows(IOException.class, tls::startHandshake);
            }
        }
    }

    @Test
    void thePlainPortSpeaksH2c() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + EmbeddedJetty.plainPort(server) + "/h2c"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, response.version());
        assertTrue(response.body().contains("\trequest_version=HTTP/2.0\n"), response.body());
        assertTrue(response.body().contains("\trequest_scheme=http\n"), response.body());
    }

    @Test
    void theSslFlagsNeedAKeyStoreThatOpens() {
        assertThrows(EmbeddedJetty.UsageException.class,
                () -> EmbeddedJetty.start("--server.ssl.key-store-password=changeit"));
        assertThrows(EmbeddedJetty.UsageException.class,
                () -> EmbeddedJetty.start("--server.ssl.key-store=" + dir.resolve("missing.p12")));
        assertThrows(EmbeddedJetty.UsageException.class,
                () -> EmbeddedJetty.start("--server.ssl.key-store=" + keyStore, "--server.ssl.key-store-password=no"));
        assertThrows(EmbeddedJetty.UsageException.class, () -> EmbeddedJetty.start(
                "--server.ssl.key-store=" + keyStore, "--server.ssl.key-store-password=changeit",
                "--server.ssl.key-alias=nope"));
    }

    private static ServerConnector connector(String name) {
        for (Connector c : server.getConnectors()) {
            if (name.equals(c.getName())) {
                return (ServerConnector) c;
            }
        }
        throw new AssertionError("no connector " + name);
    }

    private static Socket connect(String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", EmbeddedJetty.proxyPort(server)), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** TLS over an already connected socket (after the header), trusting any certificate, offering ALPN. */
    private static SSLSocket tls(Socket socket, String... alpn) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "localhost",
                socket.getPort(), true);
        if (alpn.length > 0) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setApplicationProtocols(alpn);
            tls.setSSLParameters(parameters);
        }
        return tls;
    }

    /** Writes a request and reads until the server closes (a reset counts as closed). */
    private static String exchange(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) != -1; ) {
                received.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            if (received.size() == 0) {
                throw reset;
            }
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** The test key store, made as samples/README.md says: {@code keytool -genkeypair ... -storetype PKCS12}. */
    static Path keytool(Path dir) throws IOException, InterruptedException {
        Path file = dir.resolve("ks.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "app", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", "changeit",
                "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        return file;
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

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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedJettyTest {
    private static final String TRUSTED = "127.0.0.42";
    /** The HTTP/2 client connection preface, then an empty SETTINGS frame. */
    static final byte[] H2_PREFACE = concat("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});

    private static Server server;
    private static String startupOutput;

    @BeforeAll
    static void start() throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            server = EmbeddedJetty.start("--server.address=127.0.0.1", "--server.port=0", "--proxy-protocol.port=0",
                    "--proxy-protocol.trusted-proxies=" + TRUSTED + "/32", "--proxy-protocol.header-timeout=5s");
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
    }

    @Test
    void startupLinesShowTheBoundPorts() {
        Matcher plain = Pattern.compile("(?m)^plain HTTP on 127\\.0\\.0\\.1:(\\d+)$").matcher(startupOutput);
        Matcher proxied = Pattern.compile(
                "(?m)^PROXY protocol \\(required, trusted-proxies=127\\.0\\.0\\.42(?:/32)?\\) on 127\\.0\\.0\\.1:(\\d+)$")
                .matcher(startupOutput);
        assertTrue(plain.find(), startupOutput);
        assertTrue(proxied.find(), startupOutput);
        assertEquals(EmbeddedJetty.plainPort(server), Integer.parseInt(plain.group(1)));
        assertEquals(EmbeddedJetty.proxyPort(server), Integer.parseInt(proxied.group(1)));
        assertTrue(EmbeddedJetty.plainPort(server) > 0 && EmbeddedJetty.proxyPort(server) > 0);
    }

    @Test
    void plainPortShowsTheSocketPeer() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + EmbeddedJetty.plainPort(server) + "/hello?x=1"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        String body = response.body();
        assertTrue(body.contains("\tclient_address=127.0.0.1\n"), body);
        assertTrue(body.contains("\treal path=/hello\n\tquery=x=1\n"), body);
        assertTrue(body.endsWith("Proxy Information:\n\t-no PROXY header-\n"), body);
    }

    @Test
    void trustedProxyHeaderGivesTheRealClient() throws Exception {
        String response = exchange(TRUSTED, "PROXY TCP4 198.51.100.7 127.0.0.1 40000 9080\r\n"
                + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("\tclient_address=198.51.100.7\n"), response);
        assertTrue(response.contains("Proxy Information:\n\tversion=1\n\tcommand=PROXY\n"
                + "\tsource=198.51.100.7:40000\n\tdestination=127.0.0.1:9080\n\tproxy_address=127.0.0.42\n"), response);
    }

    @Test
    void untrustedPeerGetsNoResponse() throws Exception {
        String response = exchange("127.0.0.1", "PROXY TCP4 198.51.100.7 127.0.0.1 40000 9080\r\n"
                + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals("", response);
    }

    @Test
    void bothPortsSpeakHttp11AndH2c() {
        assertEquals(List.of("http/1.1", "h2c"), connector(EmbeddedJetty.PLAIN).getProtocols());
        assertEquals(List.of("proxy", "http/1.1", "h2c"), connector(EmbeddedJetty.PROXIED).getProtocols());
    }

    @Test
    void thePlainPortUpgradesToH2c() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + EmbeddedJetty.plainPort(server) + "/h2c"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, response.version());
        assertTrue(response.body().contains("\trequest_version=HTTP/2.0\n"), response.body());
    }

    @Test
    void theProxyPortTakesH2cWithPriorKnowledgeAfterTheHeader() throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(TRUSTED, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", EmbeddedJetty.proxyPort(server)), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(concat("PROXY TCP4 198.51.100.7 127.0.0.1 40000 9080\r\n".getBytes(StandardCharsets.US_ASCII),
                    H2_PREFACE));
            out.flush();
            // The server's connection preface: a SETTINGS frame (type 4) on stream 0.
            byte[] frame = socket.getInputStream().readNBytes(9);
            assertEquals(9, frame.length);
            assertEquals(4, frame[3]);
        }
    }

    @Test
    void withoutAKeyStoreTheSslFlagsAreAUsageError() {
        assertThrows(EmbeddedJetty.UsageException.class,
                () -> EmbeddedJetty.start("--server.ssl.key-store-password=changeit"));
    }

    @Test
    void unknownFlagIsAUsageError() {
        assertThrows(EmbeddedJetty.UsageException.class, () -> EmbeddedJetty.start("--proxy-protocol.nope=1"));
        assertThrows(EmbeddedJetty.UsageException.class, () -> EmbeddedJetty.start("--nope=1"));
        assertThrows(EmbeddedJetty.UsageException.class,
                () -> EmbeddedJetty.start("--proxy-protocol.header-timeout=soon"));
    }

    private static ServerConnector connector(String name) {
        for (Connector c : server.getConnectors()) {
            if (name.equals(c.getName())) {
                return (ServerConnector) c;
            }
        }
        throw new AssertionError("no connector " + name);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Sends bytes from a socket bound to {@code from} and reads until the server closes (reset = nothing). */
    private static String exchange(String from, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", EmbeddedJetty.proxyPort(server)), 5000);
            socket.setSoTimeout(10_000);
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
                // a reset after or instead of the response: keep what arrived
            }
            return received.toString(StandardCharsets.UTF_8);
        }
    }
}

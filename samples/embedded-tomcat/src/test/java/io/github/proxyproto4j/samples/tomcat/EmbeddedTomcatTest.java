package io.github.proxyproto4j.samples.tomcat;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedTomcatTest {
    private static final String TRUSTED = "127.0.0.42";

    private static Tomcat tomcat;
    private static String startupOutput;

    @BeforeAll
    static void start() throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            tomcat = EmbeddedTomcat.start("--server.address=127.0.0.1", "--server.port=0", "--proxy-protocol.port=0",
                    "--proxy-protocol.trusted-proxies=" + TRUSTED + "/32", "--proxy-protocol.header-timeout=5s");
        } finally {
            System.setOut(stdout);
        }
        startupOutput = captured.toString(StandardCharsets.UTF_8);
        System.out.print(startupOutput);
    }

    @AfterAll
    static void stop() throws Exception {
        if (tomcat != null) {
            Path base = tomcat.getServer().getCatalinaBase().toPath();
            EmbeddedTomcat.stop(tomcat);
            assertTrue(!Files.exists(base), "temporary base directory left behind: " + base);
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
        assertEquals(EmbeddedTomcat.plainPort(tomcat), Integer.parseInt(plain.group(1)));
        assertEquals(EmbeddedTomcat.proxyPort(tomcat), Integer.parseInt(proxied.group(1)));
        assertTrue(EmbeddedTomcat.plainPort(tomcat) > 0 && EmbeddedTomcat.proxyPort(tomcat) > 0);
    }

    @Test
    void plainPortShowsTheSocketPeer() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + EmbeddedTomcat.plainPort(tomcat) + "/hello?x=1"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        String body = response.body();
        assertTrue(body.contains("\tserver_version=" + org.apache.catalina.util.ServerInfo.getServerInfo() + "\n"), body);
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
    void unknownFlagIsAUsageError() {
        assertThrows(EmbeddedTomcat.UsageException.class, () -> EmbeddedTomcat.start("--proxy-protocol.nope=1"));
        assertThrows(EmbeddedTomcat.UsageException.class, () -> EmbeddedTomcat.start("--nope=1"));
        assertThrows(EmbeddedTomcat.UsageException.class,
                () -> EmbeddedTomcat.start("--proxy-protocol.header-timeout=soon"));
        assertThrows(EmbeddedTomcat.UsageException.class, () -> EmbeddedTomcat.start("--server.port=65536"));
        assertThrows(EmbeddedTomcat.UsageException.class, () -> EmbeddedTomcat.start("--proxy-protocol.mode=mixed"));
    }

    /** Sends bytes from a socket bound to {@code from} and reads until the server closes (reset = nothing). */
    private static String exchange(String from, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", EmbeddedTomcat.proxyPort(tomcat)), 5000);
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

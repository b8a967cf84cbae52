package io.github.proxyproto4j.interop;

import static io.github.proxyproto4j.interop.Http.CLIENT_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.samples.tomcat.EmbeddedTomcat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded-tomcat sample terminating TLS on its PROXY port, behind a real HAProxy 2.6 in TCP mode that
 * passes the client's TLS through untouched and puts a PROXY header in front of it ({@code send-proxy-v2},
 * no {@code ssl} on HAProxy). curl talks TLS to Tomcat through HAProxy, h2 or HTTP/1.1 by ALPN. The sample
 * trusts only 127.0.0.1 (where HAProxy connects from); curl binds 127.0.0.42.
 */
class EmbeddedTomcatTlsBehindHaproxyTest {
    private static Path dir;
    private static Tomcat tomcat;
    private static int proxyPort;

    @BeforeAll
    static void startSample() throws Exception {
        dir = Files.createTempDirectory("tomcat-tls-interop");
        Path keyStore = keytool(dir);
        tomcat = EmbeddedTomcat.start("--server.address=127.0.0.1", "--server.port=0", "--proxy-protocol.port=0",
                "--proxy-protocol.trusted-proxies=127.0.0.1/32", "--server.ssl.key-store=" + keyStore,
                "--server.ssl.key-store-password=changeit");
        proxyPort = EmbeddedTomcat.proxyPort(tomcat);
    }

    @AfterAll
    static void stopSample() throws IOException {
        if (tomcat != null) {
            EmbeddedTomcat.stop(tomcat);
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void curlHttp2ThroughTlsPassthroughWithSendProxyV2() throws Exception {
        requireCurlHttp2();
        try (Haproxy lb = Haproxy.start(proxyPort, "send-proxy-v2")) {
            String url = "https://127.0.0.1:" + lb.port() + "/";
            // Two URLs: curl reuses the h2 connection, and the second request still has the header's client.
            String r = Http.curl(List.of("-sS", "-k", "--http2", "--interface", CLIENT_IP, url, url + "again"));
            assertEquals(2, count(r, "\tclient_address=" + CLIENT_IP + "\n"), r);
            assertEquals(2, count(r, "\trequest_version=HTTP/2.0\n"), r);
            assertEquals(2, count(r, "\trequest_scheme=https\n"), r);
            assertTrue(r.contains("\tversion=2\n\tcommand=PROXY\n\tsource=" + CLIENT_IP + ":"), r);
            assertTrue(r.contains("\tproxy_address=127.0.0.1\n"), r);
            assertTrue(r.contains("\treal path=/again\n"), r);
        }
    }

    @Test
    void curlHttp11ThroughTlsPassthroughWithSendProxyV2() throws Exception {
        try (Haproxy lb = Haproxy.start(proxyPort, "send-proxy-v2")) {
            String r = Http.curl(List.of("-sS", "-k", "--http1.1", "--interface", CLIENT_IP,
                    "https://127.0.0.1:" + lb.port() + "/h1"));
            assertTrue(r.contains("\tclient_address=" + CLIENT_IP + "\n"), r);
            assertTrue(r.contains("\trequest_version=HTTP/1.1\n"), r);
            assertTrue(r.contains("\trequest_scheme=https\n"), r);
            assertTrue(r.contains("\tversion=2\n"), r);
        }
    }

    @Test
    void curlHttp2ThroughTlsPassthroughWithSendProxyV1() throws Exception {
        requireCurlHttp2();
        try (Haproxy lb = Haproxy.start(proxyPort, "send-proxy")) {
            String r = Http.curl(List.of("-sS", "-k", "--http2", "--interface", CLIENT_IP,
                    "https://127.0.0.1:" + lb.port() + "/v1"));
            assertTrue(r.contains("\tclient_address=" + CLIENT_IP + "\n"), r);
            assertTrue(r.contains("\trequest_version=HTTP/2.0\n"), r);
            assertTrue(r.contains("\trequest_scheme=https\n"), r);
            assertTrue(r.contains("\tversion=1\n"), r);
        }
    }

    @Test
    void withoutSendProxyTheTlsPortAnswersNothing() throws Exception {
        try (Haproxy lb = Haproxy.start(proxyPort, "")) {
            String r = Http.curl(List.of("-sS", "-k", "--http1.1", "--interface", CLIENT_IP,
                    "https://127.0.0.1:" + lb.port() + "/"));
            assertTrue(!r.contains("client_address="), r);
            assertTrue(r.startsWith("curl: ("), r); // a TLS error: the ClientHello was refused as NOT_PROXY
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Debian's curl 7.88 is built with nghttp2; a curl without it cannot run the h2 cells. */
    private static void requireCurlHttp2() throws IOException, InterruptedException {
        String version = Http.curl(List.of("--version"));
        Matcher features = Pattern.compile("(?m)^Features:(.*)$").matcher(version);
        if (features.find() && List.of(features.group(1).trim().split("\\s+")).contains("HTTP2")) {
            return;
        }
        ExternalTool.missing("curl has no HTTP2 feature: " + version.strip());
    }

    /** A self-signed EC key for localhost and 127.0.0.1, alias app, password changeit, made by the JDK's keytool. */
    private static Path keytool(Path dir) throws IOException, InterruptedException {
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
}

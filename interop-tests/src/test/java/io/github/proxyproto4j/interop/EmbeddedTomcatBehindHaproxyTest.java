package io.github.proxyproto4j.interop;

import static io.github.proxyproto4j.interop.Http.CLIENT_IP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.samples.tomcat.EmbeddedTomcat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded-tomcat sample behind a real HAProxy 2.6: the same cells as {@link EmbeddedJettyBehindHaproxyTest}.
 * The sample trusts only 127.0.0.1 (where HAProxy connects from); the client binds 127.0.0.42.
 */
class EmbeddedTomcatBehindHaproxyTest {
    private static Tomcat tomcat;
    private static int proxyPort;
    private static int plainPort;

    @BeforeAll
    static void startSample() throws Exception {
        tomcat = EmbeddedTomcat.start("--server.address=127.0.0.1", "--server.port=0", "--proxy-protocol.port=0",
                "--proxy-protocol.trusted-proxies=127.0.0.1/32");
        proxyPort = EmbeddedTomcat.proxyPort(tomcat);
        plainPort = EmbeddedTomcat.plainPort(tomcat);
    }

    @AfterAll
    static void stopSample() {
        if (tomcat != null) {
            EmbeddedTomcat.stop(tomcat);
        }
    }

    private static void assertClient(String response, String expected) {
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("\tclient_address=" + expected + "\n"), response);
    }

    @Test
    void sendProxyV1() throws Exception {
        try (Haproxy lb = Haproxy.start(proxyPort, "send-proxy")) {
            String r = Http.get(CLIENT_IP, lb.port());
            assertClient(r, CLIENT_IP);
            assertTrue(r.contains("\tversion=1\n"), r);
            assertTrue(r.contains("\tproxy_address=127.0.0.1\n"), r);
        }
    }

    @Test
    void sendProxyV2WithCrc32cAndUniqueId() throws Exception {
        try (Haproxy lb = Haproxy.start(proxyPort, "send-proxy-v2 proxy-v2-options crc32c,unique-id")) {
            String r = Http.get(CLIENT_IP, lb.port());
            assertClient(r, CLIENT_IP);
            assertTrue(r.contains("\tversion=2\n"), r);
            assertTrue(r.contains("\tunique_id="), r);
        }
    }

    @Test
    void thePlainPortBehindHaproxySeesHaproxy() throws Exception {
        try (Haproxy lb = Haproxy.start(plainPort, "")) {
            assertClient(Http.get(CLIENT_IP, lb.port()), "127.0.0.1");
        }
    }

    @Test
    void curlThroughSendProxyV2() throws Exception {
        try (Haproxy lb = Haproxy.start(proxyPort, "send-proxy-v2")) {
            String r = Http.curl(List.of("-sS", "--interface", CLIENT_IP, "http://127.0.0.1:" + lb.port() + "/curl"));
            assertTrue(r.contains("\tclient_address=" + CLIENT_IP + "\n"), r);
        }
    }

    @Test
    void aHeaderSentDirectlyByTheClientIsRefusedWithoutAByte() throws Exception {
        byte[] spoof = ("PROXY TCP4 203.0.113.9 127.0.0.1 1234 " + proxyPort + "\r\nGET / HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(new byte[0], Http.exchange(CLIENT_IP, proxyPort, spoof));
    }
}

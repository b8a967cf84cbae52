package io.github.proxyproto4j.interop;

import static io.github.proxyproto4j.interop.Http.CLIENT_IP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The cells every Spring Boot sample runs behind a real HAProxy 2.6. The sample is started with
 * {@code --proxy-protocol.trusted-proxies=127.0.0.1/32} (where HAProxy connects from) on 127.0.0.1; the client
 * binds 127.0.0.42, which no server or proxy binds, so seeing it proves the header was applied.
 */
abstract class SpringBootSampleBehindHaproxyCells {

    /** @return the sample's {@code local.proxy-protocol.port} */
    abstract int proxyPort();

    /** @return the sample's {@code local.server.port} */
    abstract int plainPort();

    /** @return the start of the echo's {@code server_version} line: which server answered */
    abstract String serverVersion();

    private void assertClient(String response, String expected) {
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("\tclient_address=" + expected + "\n"), response);
        assertTrue(response.contains("\tserver_version=" + serverVersion()), response);
    }

    @Test
    void sendProxyV1() throws Exception {
        try (Haproxy lb = Haproxy.start(proxyPort(), "send-proxy")) {
            String r = Http.get(CLIENT_IP, lb.port());
            assertClient(r, CLIENT_IP);
            assertTrue(r.contains("\tversion=1\n"), r);
            assertTrue(r.contains("\tproxy_address=127.0.0.1\n"), r);
        }
    }

    @Test
    void sendProxyV2WithCrc32cAndUniqueId() throws Exception {
        try (Haproxy lb = Haproxy.start(proxyPort(), "send-proxy-v2 proxy-v2-options crc32c,unique-id")) {
            String r = Http.get(CLIENT_IP, lb.port());
            assertClient(r, CLIENT_IP);
            assertTrue(r.contains("\tversion=2\n"), r);
            assertTrue(r.contains("\tunique_id="), r);
            assertTrue(r.contains("\tproxy_address=127.0.0.1\n"), r);
        }
    }

    @Test
    void thePlainPortBehindHaproxySeesHaproxy() throws Exception {
        try (Haproxy lb = Haproxy.start(plainPort(), "")) {
            String r = Http.get(CLIENT_IP, lb.port());
            assertClient(r, "127.0.0.1");
            assertTrue(r.contains("\t-no PROXY header-\n"), r);
        }
    }

    @Test
    void aHeaderSentDirectlyByTheClientIsRefusedWithoutAByte() throws Exception {
        byte[] spoof = ("PROXY TCP4 203.0.113.9 127.0.0.1 1234 " + proxyPort() + "\r\nGET / HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(new byte[0], Http.exchange(CLIENT_IP, proxyPort(), spoof));
    }
}

package io.github.proxyproto4j.interop.matrix;

import static io.github.proxyproto4j.interop.matrix.Clients.CLIENT_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.AddressFamily;
import io.github.proxyproto4j.core.Command;
import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderDecoder;
import io.github.proxyproto4j.core.SslInfo;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the senders of the matrix put on the wire, recorded by a {@link HeaderTap} in place of the application, from
 * the same configuration files: the facts docs/interop.md states about the headers (the v4v6 listener's TCP6
 * addresses, what a health check sends, nginx on IPv6, the TLVs of TLS offload).
 */
class SenderWireFormatTest {
    private static Workspace workspace;

    @BeforeAll
    static void workspace() throws Exception {
        workspace = new Workspace();
    }

    @AfterAll
    static void cleanUp() {
        workspace.close();
    }

    private static String text(byte[] header) {
        return new String(header, StandardCharsets.US_ASCII);
    }

    private static ProxyHeader decode(byte[] header) throws Exception {
        ProxyHeader h = new ProxyHeaderDecoder().decode(ByteBuffer.wrap(header));
        assertTrue(h != null, "incomplete header");
        return h;
    }

    @Test
    void haproxyV4v6ListenerSendsTcp6WithIpv4MappedAddresses() throws Exception {
        try (HeaderTap tap = new HeaderTap();
             HaproxyProcess haproxy = HaproxyProcess.start("v4v6-send-proxy.cfg", tap.port(), workspace)) {
            Clients.get(CLIENT_IP, "127.0.0.1", haproxy.port());
            String line = text(tap.next(10));
            assertTrue(line.matches("PROXY TCP6 ::ffff:127\\.0\\.0\\.42 ::ffff:127\\.0\\.0\\.1 \\d+ " + haproxy.port()
                    + "\r\n"), line);
        }
    }

    @Test
    void haproxyV2HealthCheckSendsLocal() throws Exception {
        try (HeaderTap tap = new HeaderTap();
             HaproxyProcess haproxy = HaproxyProcess.start("health-check-send-proxy-v2.cfg", tap.port(), workspace)) {
            ProxyHeader h = decode(tap.next(10));
            assertEquals(2, h.version());
            assertEquals(Command.LOCAL, h.command());
            assertEquals(AddressFamily.UNSPEC, h.family());
        }
    }

    @Test
    void haproxyV1HealthCheckSendsItsOwnConnection() throws Exception {
        try (HeaderTap tap = new HeaderTap();
             HaproxyProcess haproxy = HaproxyProcess.start("health-check-send-proxy.cfg", tap.port(), workspace)) {
            String line = text(tap.next(10));
            assertTrue(line.matches("PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ " + tap.port() + "\r\n"), line);
        }
    }

    @Test
    void haproxyV2SendsCrc32cAndUniqueId() throws Exception {
        try (HeaderTap tap = new HeaderTap();
             HaproxyProcess haproxy = HaproxyProcess.start("tcp-send-proxy-v2.cfg", tap.port(), workspace)) {
            Clients.get(CLIENT_IP, "127.0.0.1", haproxy.port());
            ProxyHeader h = decode(tap.next(10)); // a wrong CRC32C would throw here
            assertTrue(h.tlv(0x03).isPresent(), "CRC32C TLV: " + h);
            assertTrue(h.uniqueId().map(id -> id.length > 0).orElse(false), "UNIQUE_ID: " + h);
            assertEquals(CLIENT_IP, ((InetSocketAddress) h.sourceAddress()).getAddress().getHostAddress());
        }
    }

    @Test
    void haproxyTlsOffloadSendsSslAuthorityAlpnAndTheClientCn() throws Exception {
        try (HeaderTap tap = new HeaderTap();
             HaproxyProcess haproxy = HaproxyProcess.start("tls-offload-send-proxy-v2.cfg", tap.port(), workspace)) {
            Path certs = workspace.certs();
            Clients.curl("--http1.1", "--cert", certs.resolve("client.pem").toString(),
                    "--key", certs.resolve("client.key").toString(), "--cacert", certs.resolve("ca.pem").toString(),
                    "--resolve", "lb.test:" + haproxy.port() + ":127.0.0.1", "--interface", CLIENT_IP,
                    "https://lb.test:" + haproxy.port() + "/");
            ProxyHeader h = decode(tap.next(10));
            SslInfo ssl = h.ssl().orElseThrow();
            assertEquals(SslInfo.CLIENT_SSL | SslInfo.CLIENT_CERT_CONN | SslInfo.CLIENT_CERT_SESS, ssl.client(),
                    h.toString());
            assertEquals(0, ssl.verify());
            assertEquals("alice", ssl.commonName().orElseThrow());
            assertTrue(ssl.version().orElseThrow().startsWith("TLSv1."), h.toString());
            assertEquals("lb.test", h.authority().orElseThrow());
            assertEquals("http/1.1", h.alpn().orElseThrow());
            assertTrue(h.tlv(0x03).isPresent(), "CRC32C TLV: " + h);
        }
    }

    @Test
    void nginxSendsTcp6ForAnIpv6Client() throws Exception {
        try (HeaderTap tap = new HeaderTap();
             NginxProcess nginx = NginxProcess.start("stream-proxy-protocol.conf", tap.port(), workspace)) {
            Clients.get("::1", "::1", nginx.port());
            String line = text(tap.next(10));
            assertTrue(line.matches("PROXY TCP6 ::1 ::1 \\d+ " + nginx.port() + "\r\n"), line);
            Clients.get(CLIENT_IP, "127.0.0.1", nginx.port());
            line = text(tap.next(10));
            assertTrue(line.matches("PROXY TCP4 127\\.0\\.0\\.42 127\\.0\\.0\\.1 \\d+ " + nginx.port() + "\r\n"), line);
        }
    }

    @Test
    void curlSendsItsOwnConnection() throws Exception {
        try (HeaderTap tap = new HeaderTap()) {
            Clients.curl("--haproxy-protocol", "--interface", CLIENT_IP, "http://127.0.0.1:" + tap.port() + "/");
            String line = text(tap.next(10));
            assertTrue(line.matches("PROXY TCP4 127\\.0\\.0\\.42 127\\.0\\.0\\.1 \\d+ " + tap.port() + "\r\n"), line);
        }
    }
}

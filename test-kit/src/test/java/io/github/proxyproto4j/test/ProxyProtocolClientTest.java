package io.github.proxyproto4j.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.Command;
import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderDecoder;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.SslInfo;
import io.github.proxyproto4j.core.Tlv;
import io.github.proxyproto4j.core.TlvType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ProxyProtocolClientTest {
    private static final String LOOPBACK = "127.0.0.1";

    private static byte[] v1(String src, int sport, int dport) {
        return ProxyHeaderEncoder.encodeV1(ProxyHeader.builder().version(1)
                .addresses(new InetSocketAddress(src, sport), new InetSocketAddress(LOOPBACK, dport)).build());
    }

    @Test
    void defaultV1HeaderThenGetWithHostAndConnectionClose() throws Exception {
        try (TestServer server = TestServer.responding(0, TestServer.ok("client_address=203.0.113.7\n"))) {
            byte[] expected = v1("203.0.113.7", 40000, server.port());
            server.expectHeader(expected.length);
            HttpResult r = ProxyProtocolClient.to(LOOPBACK, server.port()).get("/path?q=1");
            TestServer.Received got = server.take();
            assertArrayEquals(expected, got.header());
            assertEquals("PROXY TCP4 203.0.113.7 127.0.0.1 40000 " + server.port() + "\r\n",
                    new String(got.header(), StandardCharsets.US_ASCII));
            assertEquals("GET /path?q=1 HTTP/1.1", got.requestLine());
            assertEquals(LOOPBACK + ":" + server.port(), got.header("Host"));
            assertEquals("close", got.header("Connection"));
            assertNull(got.header("Content-Length"));
            assertEquals(200, r.status());
            assertEquals("HTTP/1.1 200 OK", r.statusLine());
            assertEquals("client_address=203.0.113.7\n", r.body());
            assertEquals("text/plain; charset=utf-8", r.header("content-type"));
            assertEquals("yes", r.header("X-TEST"));
            assertEquals(List.of("yes"), r.headers("x-test"));
            assertNull(r.header("X-Missing"));
            assertFalse(r.closedWithoutResponse());
            String raw = new String(r.raw(), StandardCharsets.UTF_8);
            assertTrue(raw.startsWith("HTTP/1.1 200 OK\r\n"), raw);
            assertTrue(raw.endsWith("\r\n\r\nclient_address=203.0.113.7\n"), raw);
        }
    }

    @Test
    void v2WithTlvsSslAuthorityAndCrc32cIsExactlyWhatTheEncoderWrites() throws Exception {
        SslInfo ssl = SslInfo.of(SslInfo.CLIENT_SSL, 0,
                List.of(Tlv.of(TlvType.SSL_VERSION, "TLSv1.3".getBytes(StandardCharsets.US_ASCII))));
        ProxyHeader header = ProxyHeader.builder()
                .addresses(new InetSocketAddress("198.51.100.9", 51000), new InetSocketAddress("10.0.0.1", 443))
                .alpn("h2")
                .authority("app.example")
                .ssl(ssl)
                .tlv(0xEA, new byte[] {1, 'v', 'p', 'c', 'e'})
                .build();
        byte[] expected = ProxyHeaderEncoder.encodeV2(header, true);
        try (TestServer server = TestServer.responding(expected.length, TestServer.ok("hi"))) {
            ProxyProtocolClient client = ProxyProtocolClient.to("localhost", server.port())
                    .v2()
                    .source("198.51.100.9", 51000)
                    .destination("10.0.0.1", 443)
                    .tlv(TlvType.ALPN, "h2".getBytes(StandardCharsets.US_ASCII))
                    .authority("app.example")
                    .ssl(ssl)
                    .tlv(0xEA, new byte[] {1, 'v', 'p', 'c', 'e'})
                    .crc32c();
            assertArrayEquals(expected, client.headerBytes());
            HttpResult r = client.get("/");
            assertEquals("hi", r.body());
            TestServer.Received got = server.take();
            assertArrayEquals(expected, got.header());
            assertEquals("localhost:" + server.port(), got.header("Host"));

            ProxyHeader decoded = new ProxyHeaderDecoder().decode(ByteBuffer.wrap(got.header()));
            assertEquals(new InetSocketAddress("198.51.100.9", 51000), decoded.sourceAddress());
            assertEquals("app.example", decoded.authority().orElseThrow());
            assertEquals("TLSv1.3", decoded.ssl().orElseThrow().version().orElseThrow());
            assertTrue(decoded.tlv(TlvType.CRC32C).isPresent());
        }
    }

    @Test
    void destinationDefaultsToTheAddressAndPortConnectedTo() throws Exception {
        try (TestServer server = TestServer.responding(28, TestServer.ok(""))) {
            ProxyProtocolClient client = ProxyProtocolClient.to(LOOPBACK, server.port()).v2();
            byte[] expected = ProxyHeaderEncoder.encodeV2(ProxyHeader.builder()
                    .addresses(new InetSocketAddress("203.0.113.7", 40000),
                            new InetSocketAddress(LOOPBACK, server.port()))
                    .build(), false);
            assertEquals(28, expected.length);
            assertEquals(200, client.get("/").status());
            assertArrayEquals(expected, server.take().header());
        }
    }

    @Test
    void localIsV2LocalOrV1Unknown() {
        ProxyProtocolClient client = ProxyProtocolClient.to(LOOPBACK, 9080).local();
        assertEquals("PROXY UNKNOWN\r\n", new String(client.headerBytes(), StandardCharsets.US_ASCII));
        byte[] v2 = client.v2().authority("health").headerBytes();
        ProxyHeader expected = ProxyHeader.builder().command(Command.LOCAL).authority("health").build();
        assertArrayEquals(ProxyHeaderEncoder.encodeV2(expected, false), v2);
        assertEquals(0x20, v2[12]); // version 2, LOCAL
    }

    @Test
    void fullControlOfTheHeader() {
        ProxyHeader h = ProxyHeader.builder().version(1)
                .addresses(new InetSocketAddress("2001:db8::1", 1234), new InetSocketAddress("2001:db8::2", 80))
                .build();
        ProxyProtocolClient base = ProxyProtocolClient.to(LOOPBACK, 9080);
        assertArrayEquals(ProxyHeaderEncoder.encodeV1(h), base.header(h).headerBytes());
        assertEquals("PROXY TCP6 2001:db8::1 2001:db8::2 1234 80\r\n",
                new String(base.header(h).headerBytes(), StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[] {'X', 'Y'}, base.rawHeader(new byte[] {'X', 'Y'}).headerBytes());
        assertArrayEquals(new byte[0], base.noHeader().headerBytes());
    }

    @Test
    void clientsAreImmutable() {
        ProxyProtocolClient base = ProxyProtocolClient.to(LOOPBACK, 9080);
        byte[] before = base.headerBytes();
        ProxyProtocolClient v2 = base.v2().source("192.0.2.1", 1).crc32c();
        assertArrayEquals(before, base.headerBytes());
        assertEquals(0x21, v2.headerBytes()[12]);
    }

    @Test
    void wrongSettingsFailEarly() {
        ProxyProtocolClient base = ProxyProtocolClient.to(LOOPBACK, 9080);
        assertThrows(IllegalStateException.class, () -> base.authority("x").headerBytes());
        assertThrows(IllegalStateException.class, () -> base.crc32c().headerBytes());
        assertThrows(IllegalArgumentException.class, () -> base.source("example.com", 1));
        assertThrows(IllegalArgumentException.class, () -> base.source("256.1.1.1", 1));
        assertThrows(IllegalArgumentException.class, () -> base.source(LOOPBACK, 70000));
        assertThrows(IllegalArgumentException.class, () -> ProxyProtocolClient.to(URI.create("ftp://x/")));
        assertThrows(IllegalArgumentException.class,
                () -> base.request("GET", "/", Map.of("X-Bad", "a\r\nInjected: 1"), null));
    }

    @Test
    void toUriTakesHostPortAndPath() throws Exception {
        try (TestServer server = TestServer.responding(0, TestServer.ok("x"))) {
            HttpResult r = ProxyProtocolClient.to(URI.create("http://127.0.0.1:" + server.port() + "/a/b?c=d"))
                    .noHeader().get();
            assertEquals(200, r.status());
            assertEquals("GET /a/b?c=d HTTP/1.1", server.take().requestLine());
        }
    }

    @Test
    void postWithHeadersAndBody() throws Exception {
        try (TestServer server = TestServer.responding(0, TestServer.ok("created"))) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("X-Request-Id", "42");
            byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
            HttpResult r = ProxyProtocolClient.to(LOOPBACK, server.port()).noHeader()
                    .request("POST", "/orders", headers, body);
            assertEquals("created", r.body());
            TestServer.Received got = server.take();
            assertEquals("POST /orders HTTP/1.1", got.requestLine());
            assertEquals("application/json", got.header("content-type"));
            assertEquals("42", got.header("X-Request-Id"));
            assertEquals("7", got.header("Content-Length"));
            assertArrayEquals(body, got.body());

            ProxyProtocolClient.to(LOOPBACK, server.port()).noHeader()
                    .request("POST", "/empty", Map.of("Host", "app.example", "Connection", "keep-alive"), null);
            got = server.take();
            assertEquals("0", got.header("Content-Length"));
            assertEquals("app.example", got.header("Host"));
            assertEquals("keep-alive", got.header("Connection"));
        }
    }

    @Test
    void chunkedBodyIsDecoded() throws Exception {
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
                + "5\r\nhello\r\n" + "7;ext=1\r\n, world\r\n" + "A\r\n0123456789\r\n" + "0\r\nX-Trailer: t\r\n\r\n";
        try (TestServer server = TestServer.responding(0, response)) {
            HttpResult r = ProxyProtocolClient.to(LOOPBACK, server.port()).noHeader().get("/");
            assertEquals("hello, world0123456789", r.body());
            assertEquals("chunked", r.header("Transfer-Encoding"));
            assertEquals(response, new String(r.raw(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void bodyUntilEofAndInterimResponses() throws Exception {
        String response = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nServer: t\r\n\r\nno such thing";
        try (TestServer server = TestServer.responding(0, response)) {
            HttpResult r = ProxyProtocolClient.to(LOOPBACK, server.port()).noHeader().get("/");
            assertEquals(404, r.status());
            assertEquals("HTTP/1.1 404 Not Found", r.statusLine());
            assertEquals("no such thing", r.body());
            assertEquals("t", r.header("server"));
        }
        try (TestServer server = TestServer.responding(0, "HTTP/1.1 204 No Content\r\n\r\n")) {
            HttpResult r = ProxyProtocolClient.to(LOOPBACK, server.port()).noHeader().get("/");
            assertEquals(204, r.status());
            assertEquals("", r.body());
        }
    }

    @Test
    void closedWithoutResponseWhenTheServerClosesOrResets() throws Exception {
        for (TestServer.Action action : new TestServer.Action[] {TestServer.Action.CLOSE_AFTER_HEADER,
            TestServer.Action.RESET_AFTER_HEADER, TestServer.Action.CLOSE_AT_ACCEPT}) {
            try (TestServer server = new TestServer(0, action, null, null)) {
                HttpResult r = ProxyProtocolClient.to(LOOPBACK, server.port()).noHeader().get("/");
                assertTrue(r.closedWithoutResponse(), action.name());
                assertEquals(-1, r.status());
                assertEquals(0, r.raw().length);
                assertEquals("", r.body());
                assertEquals("connection closed without a response", r.toString());
            }
        }
    }

    @Test
    void aServerThatSaysNothingTimesOut() throws Exception {
        try (TestServer server = new TestServer(0, TestServer.Action.SILENT, null, null)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ProxyProtocolClient
                    .to(LOOPBACK, server.port()).noHeader().timeout(Duration.ofMillis(300)).get("/"));
            assertInstanceOf(SocketTimeoutException.class, e.getCause());
        }
    }

    @Test
    void notHttpIsAnError() throws Exception {
        try (TestServer server = TestServer.responding(0, "SSH-2.0-OpenSSH\r\n")) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> ProxyProtocolClient.to(LOOPBACK, server.port()).noHeader().get("/"));
            assertTrue(e.getCause().getMessage().contains("not an HTTP response: SSH-2.0"), e.getMessage());
        }
    }

    @Test
    void bindSetsTheAddressTheServerSees() throws Exception {
        // Linux routes all of 127/8 to loopback; the whole project's tests rely on it (127.0.0.42), so no skip.
        try (TestServer server = TestServer.responding(0, TestServer.ok(""))) {
            ProxyProtocolClient.to(LOOPBACK, server.port()).noHeader().bind("127.0.0.2").get("/");
            assertEquals(InetAddress.getByName("127.0.0.2"), server.take().peer());
        }
    }

    @Test
    void openGivesTheSocketAfterTheHeader() throws Exception {
        try (TestServer server = TestServer.responding(15, TestServer.ok("raw"))) {
            ProxyProtocolClient client = ProxyProtocolClient.to(LOOPBACK, server.port()).local();
            try (Socket s = client.open()) {
                s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.endsWith("raw"), response);
            }
            TestServer.Received got = server.take();
            assertEquals("PROXY UNKNOWN\r\n", new String(got.header(), StandardCharsets.US_ASCII));
            assertEquals("GET /x HTTP/1.1", got.requestLine());
        }
    }

    @Test
    void refusedConnectionIsAnError() throws IOException {
        try (Socket bound = TestServer.boundNotListening()) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> ProxyProtocolClient.to(LOOPBACK, bound.getLocalPort()).get("/"));
            assertInstanceOf(java.net.ConnectException.class, e.getCause());
        }
    }
}

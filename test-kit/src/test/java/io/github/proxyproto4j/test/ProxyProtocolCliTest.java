package io.github.proxyproto4j.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.Tlv;
import io.github.proxyproto4j.core.TlvType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyProtocolCliTest {
    /** One run: exit status, stdout, stderr. */
    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ProxyProtocolCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void parsesEveryOption(@TempDir Path dir) throws Exception {
        Path body = dir.resolve("body.json");
        Files.writeString(body, "{\"from\":\"file\"}");
        ProxyProtocolCli.Options o = ProxyProtocolCli.parse(new String[] {
            "--v2", "--source", "198.51.100.1:1234", "--destination", "10.0.0.1:443", "--local", "--bind", "127.0.0.1",
            "--tlv", "0xEA=0176706365", "--tlv", "UNIQUE_ID=0a0b", "--tlv", "48=6e73", "--authority", "app.example",
            "--alpn", "h2", "--crc32c", "--insecure", "--show-header", "--timeout", "2.5",
            "-X", "PUT", "-H", "X-A: 1", "-H", "Content-Type:text/plain", "-d", "@" + body,
            "https://localhost:9443/a?b=c"});
        assertEquals(2, o.version);
        assertEquals(new ProxyProtocolCli.Address("198.51.100.1", 1234), o.source);
        assertEquals(new ProxyProtocolCli.Address("10.0.0.1", 443), o.destination);
        assertTrue(o.local);
        assertEquals("127.0.0.1", o.bind);
        assertEquals(5, o.tlvs.size());
        assertEquals(Tlv.of(TlvType.AWS, new byte[] {1, 'v', 'p', 'c', 'e'}), o.tlvs.get(0));
        assertEquals(Tlv.of(TlvType.UNIQUE_ID, new byte[] {10, 11}), o.tlvs.get(1));
        assertEquals(Tlv.of(TlvType.NETNS, new byte[] {'n', 's'}), o.tlvs.get(2));
        assertEquals(Tlv.of(TlvType.AUTHORITY, "app.example".getBytes(StandardCharsets.UTF_8)), o.tlvs.get(3));
        assertEquals(Tlv.of(TlvType.ALPN, "h2".getBytes(StandardCharsets.UTF_8)), o.tlvs.get(4));
        assertTrue(o.crc32c && o.insecure && o.showHeader);
        assertFalse(o.noHeader);
        assertEquals(Duration.ofMillis(2500), o.timeout);
        assertEquals("PUT", o.method());
        assertEquals(Map.of("X-A", "1", "Content-Type", "text/plain"), o.headers);
        assertEquals("{\"from\":\"file\"}", new String(o.body, StandardCharsets.UTF_8));
        assertEquals("/a?b=c", o.target());
        assertEquals("https://localhost:9443/a?b=c", o.url.toString());
    }

    @Test
    void parsesAddressForms() throws Exception {
        assertEquals(new ProxyProtocolCli.Address("203.0.113.9", -1),
                ProxyProtocolCli.parse(new String[] {"--source", "203.0.113.9", "http://h/"}).source);
        assertEquals(new ProxyProtocolCli.Address("2001:db8::1", -1),
                ProxyProtocolCli.parse(new String[] {"--source", "2001:db8::1", "http://h/"}).source);
        assertEquals(new ProxyProtocolCli.Address("2001:db8::1", 8443),
                ProxyProtocolCli.parse(new String[] {"--source", "[2001:db8::1]:8443", "http://h/"}).source);
        ProxyProtocolCli.Options o = ProxyProtocolCli.parse(new String[] {"-d", "x=1", "http://h/"});
        assertEquals("POST", o.method());
        assertEquals(1, o.version);
        assertNull(o.source);
        assertEquals("/", ProxyProtocolCli.parse(new String[] {"http://h"}).target());
    }

    @Test
    void defaultsAndSourceWithoutPort() throws Exception {
        ProxyProtocolClient c = ProxyProtocolCli.parse(new String[] {"--source", "198.51.100.1",
            "http://127.0.0.1:9080/"}).client();
        assertEquals("PROXY TCP4 198.51.100.1 127.0.0.1 40000 9080\r\n",
                new String(c.headerBytes(), StandardCharsets.US_ASCII));
        c = ProxyProtocolCli.parse(new String[] {"--destination", "10.1.1.1", "http://127.0.0.1:9080/"}).client();
        assertEquals("PROXY TCP4 203.0.113.7 10.1.1.1 40000 9080\r\n",
                new String(c.headerBytes(), StandardCharsets.US_ASCII));
        c = ProxyProtocolCli.parse(new String[] {"--local", "http://127.0.0.1:9080/"}).client();
        assertEquals("PROXY UNKNOWN\r\n", new String(c.headerBytes(), StandardCharsets.US_ASCII));
        c = ProxyProtocolCli.parse(new String[] {"--no-header", "--v2", "http://127.0.0.1:9080/"}).client();
        assertEquals(0, c.headerBytes().length);
    }

    @Test
    void usageErrorsExitWith2() {
        String[][] wrong = {
            {},
            {"--v2"},
            {"--frobnicate", "http://h/"},
            {"http://a/", "http://b/"},
            {"ftp://h/"},
            {"--source", "not-an-ip", "http://h/"},
            {"--source", "1.2.3.4:99999", "http://h/"},
            {"--destination", "1.2.3.4:x", "http://h/"},
            {"--bind", "localhost", "http://h/"},
            {"--tlv", "ALPN", "http://h/"},
            {"--tlv", "0x1ff=00", "http://h/"},
            {"--tlv", "NOSUCH=00", "--v2", "http://h/"},
            {"--tlv", "ALPN=zz", "--v2", "http://h/"},
            {"--authority", "a", "http://h/"},
            {"--crc32c", "http://h/"},
            {"-H", "no colon", "http://h/"},
            {"--timeout", "-1", "http://h/"},
            {"-d", "@/no/such/file", "http://h/"},
            {"--source"},
        };
        for (String[] args : wrong) {
            Run r = run(args);
            assertEquals(ProxyProtocolCli.USAGE_ERROR, r.status(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("proxyproto4j-test: "), r.err());
            assertEquals("", r.out());
        }
        assertThrows(ProxyProtocolCli.UsageException.class, () -> ProxyProtocolCli.parse(new String[] {"-X"}));
    }

    @Test
    void helpPrintsUsage() {
        Run r = run("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("Usage: java -jar proxyproto4j-test.jar"), r.out());
        assertTrue(r.out().contains("--tlv TYPE=HEX"));
    }

    @Test
    void printsTheResponseAndTheHeader() throws Exception {
        try (TestServer server = TestServer.responding(0, TestServer.ok("client_address=198.51.100.1\n"))) {
            byte[] expected = ProxyHeaderEncoder.encodeV2(ProxyHeader.builder()
                    .addresses(new InetSocketAddress("198.51.100.1", 40000),
                            new InetSocketAddress("127.0.0.1", server.port()))
                    .authority("app.example")
                    .build(), true);
            server.expectHeader(expected.length);
            Run r = run("--v2", "--source", "198.51.100.1", "--authority", "app.example", "--crc32c", "--show-header",
                    "-H", "X-Debug: 1", "http://127.0.0.1:" + server.port() + "/who?x=1");
            assertEquals(0, r.status(), r.err());
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 28\r\n"
                    + "X-Test: yes\r\n\r\nclient_address=198.51.100.1\n", r.out());
            assertEquals("PROXY header (" + expected.length + " bytes): "
                    + HexFormat.ofDelimiter(" ").formatHex(expected) + System.lineSeparator(), r.err());
            TestServer.Received got = server.take();
            assertArrayEquals(expected, got.header());
            assertEquals("GET /who?x=1 HTTP/1.1", got.requestLine());
            assertEquals("1", got.header("X-Debug"));
        }
    }

    @Test
    void v1HeaderIsShownAsTextToo() {
        String shown = ProxyProtocolCli.describe("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("PROXY header (15 bytes): 50 52 4f 58 59 20 55 4e 4b 4e 4f 57 4e 0d 0a\n  PROXY UNKNOWN\\r\\n",
                shown);
        assertEquals("PROXY header: none", ProxyProtocolCli.describe(new byte[0]));
    }

    @Test
    void closedWithoutResponseExitsWith3() throws Exception {
        try (TestServer server = new TestServer(0, TestServer.Action.CLOSE_AFTER_HEADER, null, null)) {
            Run r = run("--no-header", "http://127.0.0.1:" + server.port() + "/");
            assertEquals(ProxyProtocolCli.CLOSED_WITHOUT_RESPONSE, r.status());
            assertEquals("connection closed without a response" + System.lineSeparator(), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void refusedConnectionExitsWith1() throws Exception {
        try (java.net.Socket bound = TestServer.boundNotListening()) {
            Run r = run("--timeout", "2", "http://127.0.0.1:" + bound.getLocalPort() + "/");
            assertEquals(ProxyProtocolCli.ERROR, r.status());
            assertTrue(r.err().startsWith("proxyproto4j-test: java.net.ConnectException"), r.err());
        }
    }
}

package io.github.proxyproto4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The decoder's contract beyond what the vector files can say. */
class DecoderContractTest {
    private static final String SIGNATURE = "0d0a0d0a000d0a515549540a";

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static ByteBuffer hex(String s) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(s));
    }

    @Test
    void v1SurplusAfterCrlfIsGivenBackWhenTheLineArrivedInPieces() throws Exception {
        ProxyHeaderDecoder d = new ProxyHeaderDecoder();
        assertNull(d.decode(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r")));
        ByteBuffer rest = ascii("\nGET / HTTP/1.1\r\n");
        ProxyHeader h = d.decode(rest);
        assertNotNull(h);
        assertEquals(1, rest.position(), "only the LF belongs to the header");
        assertEquals(32, h.length());
    }

    @Test
    void v2TakesOnlyItsOwnBytesFromALaterRead() throws Exception {
        ProxyHeaderDecoder d = new ProxyHeaderDecoder();
        assertNull(d.decode(hex(SIGNATURE + "2111")));
        assertEquals(14, d.bufferedBytes());
        ByteBuffer rest = hex("000c" + "7f00002a" + "0a000001" + "1f90" + "0050" + "16030100");
        ProxyHeader h = d.decode(rest);
        assertNotNull(h);
        assertEquals(14, rest.position());
        assertEquals(4, rest.remaining(), "the TLS record header stays for the caller");
        assertEquals(new InetSocketAddress("127.0.0.42", 8080), h.sourceAddress());
    }

    @Test
    void anEmptyBufferIsNotAnError() throws Exception {
        ProxyHeaderDecoder d = new ProxyHeaderDecoder();
        assertNull(d.decode(ByteBuffer.allocate(0)));
        assertNull(d.decode(ascii("PRO")));
        assertNull(d.decode(ByteBuffer.allocate(0)));
        assertNotNull(d.decode(ascii("XY UNKNOWN\r\n")));
    }

    @Test
    void theCallersByteOrderDoesNotMatter() throws Exception {
        ByteBuffer in = hex(SIGNATURE + "2111000c" + "7f00002a" + "0a000001" + "1f90" + "0050").order(ByteOrder.LITTLE_ENDIAN);
        ProxyHeader h = new ProxyHeaderDecoder().decode(in);
        assertEquals(new InetSocketAddress("127.0.0.42", 8080), h.sourceAddress());
        assertEquals(new InetSocketAddress("10.0.0.1", 80), h.destinationAddress());
    }

    @Test
    void aDecodedHeaderIsNotDecodedTwice() throws Exception {
        ProxyHeaderDecoder d = new ProxyHeaderDecoder();
        assertNotNull(d.decode(ascii("PROXY UNKNOWN\r\n")));
        assertTrue(d.isDone());
        assertThrows(IllegalStateException.class, () -> d.decode(ascii("PROXY UNKNOWN\r\n")));
    }

    @Test
    void resetForgetsTheLastConnection() throws Exception {
        ProxyHeaderDecoder d = new ProxyHeaderDecoder();
        assertNull(d.decode(ascii("PROXY TCP4 10.9.8.7 ")));
        d.reset();
        assertEquals(0, d.bufferedBytes());
        ProxyHeader h = d.decode(ascii("PROXY TCP6 ::1 ::2 3 4\r\n"));
        assertEquals(new InetSocketAddress("::1", 3), h.sourceAddress());

        d.reset();
        assertThrows(ProxyProtocolException.class, () -> d.decode(ascii("GET")));
        d.reset();
        assertEquals(2, d.decode(hex(SIGNATURE + "20000000")).version());
    }

    @Test
    void limitsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new ProxyHeaderDecoder(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> new ProxyHeaderDecoder(65536, 10));
        assertThrows(IllegalArgumentException.class, () -> new ProxyHeaderDecoder(10, -1));
        ProxyHeaderDecoder d = new ProxyHeaderDecoder(65535, 65535);
        assertEquals(65535, d.maxHeaderSize());
        assertEquals(65535, d.maxTlvSize());
        assertEquals(1024, new ProxyHeaderDecoder().maxHeaderSize());
        assertEquals(1024, new ProxyHeaderDecoder().maxTlvSize());
    }

    @Test
    void aTooLargeHeaderFailsBeforeItsBodyArrives() {
        ProxyHeaderDecoder d = new ProxyHeaderDecoder(100, 100);
        ProxyProtocolException e = assertThrows(ProxyProtocolException.class,
                () -> d.decode(hex(SIGNATURE + "21110065")));
        assertEquals(Reason.HEADER_TOO_LARGE, e.reason());
    }

    @Test
    void failuresCarryAReasonAndNoStackTrace() {
        ProxyProtocolException e = assertThrows(ProxyProtocolException.class,
                () -> new ProxyHeaderDecoder().decode(ascii("PROXY TCP4 1.2.3.4 1.2.3.4 99999 1\r\n")));
        assertEquals(Reason.BAD_PORT, e.reason());
        assertEquals(0, e.getStackTrace().length, "a refused connection must not cost a stack trace");
        assertTrue(e.getMessage().startsWith("BAD_PORT"), e.getMessage());
    }

    @Test
    void mappedIpv6ComesBackAsIpv4() throws Exception {
        ProxyHeader h = new ProxyHeaderDecoder().decode(ascii("PROXY TCP6 ::ffff:192.0.2.7 ::1 5 6\r\n"));
        assertEquals(AddressFamily.INET6, h.family());
        InetSocketAddress src = (InetSocketAddress) h.sourceAddress();
        assertTrue(src.getAddress() instanceof Inet4Address);
        assertEquals("192.0.2.7", src.getHostString());
        assertFalse(src.isUnresolved());
    }

    @Test
    void headersCompareByContentNotByWireLength() throws Exception {
        ProxyHeader a = new ProxyHeaderDecoder().decode(ascii("PROXY TCP6 ::1 2001:db8::1 1 2\r\n"));
        ProxyHeader b = new ProxyHeaderDecoder().decode(ascii("PROXY TCP6 0:0:0:0:0:0:0:1 2001:DB8:0:0:0:0:0:1 1 2\r\n"));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a.length(), b.length());
        ProxyHeader c = new ProxyHeaderDecoder().decode(ascii("PROXY TCP6 ::1 2001:db8::1 1 3\r\n"));
        assertNotEquals(a, c);
        assertTrue(a.toString().contains("INET6"), a.toString());
    }

    @Test
    void tlvValuesAreDefensiveCopies() throws Exception {
        ProxyHeader h = new ProxyHeaderDecoder().decode(hex(SIGNATURE + "21000005" + "01000268" + "32"));
        byte[] value = h.tlvs().get(0).value();
        value[0] = 'X';
        assertArrayEquals("h2".getBytes(StandardCharsets.US_ASCII), h.tlvs().get(0).value());
        assertEquals("h2", h.alpn().orElseThrow());
        assertThrows(UnsupportedOperationException.class, () -> h.tlvs().clear());
        assertEquals(h.tlv(TlvType.ALPN).orElseThrow(), h.tlvs().get(0));
        assertTrue(h.tlv(TlvType.AUTHORITY).isEmpty());
    }

    @Test
    void tlvFactoryChecksTheWireFormat() {
        assertThrows(IllegalArgumentException.class, () -> Tlv.of(256, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Tlv.of(-1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Tlv.of(1, new byte[65536]));
        byte[] v = {1, 2};
        Tlv t = Tlv.of(0xEA, v);
        v[0] = 9;
        assertArrayEquals(new byte[] {1, 2}, t.value());
        assertEquals("0xEA:0102", t.toString());
    }

    @Test
    void sslVerifiedNeedsACertificateFlag() {
        assertFalse(SslInfo.of(SslInfo.CLIENT_SSL, 0, java.util.List.of()).verified(),
                "HAProxy sends verify=0 when no certificate was presented");
        assertTrue(SslInfo.of(SslInfo.CLIENT_SSL | SslInfo.CLIENT_CERT_CONN, 0, java.util.List.of()).verified());
        assertTrue(SslInfo.of(SslInfo.CLIENT_SSL | SslInfo.CLIENT_CERT_SESS, 0, java.util.List.of()).verified());
        assertFalse(SslInfo.of(SslInfo.CLIENT_SSL | SslInfo.CLIENT_CERT_CONN, 1, java.util.List.of()).verified());
        assertThrows(IllegalArgumentException.class, () -> SslInfo.of(256, 0, java.util.List.of()));
        assertThrows(IllegalArgumentException.class, () -> SslInfo.of(0, 1L << 32, java.util.List.of()));
    }

    @Test
    void aBadUtf8UnixPathIsABadAddress() {
        StringBuilder body = new StringBuilder("ff");
        body.append("00".repeat(107)).append("2f".repeat(108));
        ProxyProtocolException e = assertThrows(ProxyProtocolException.class,
                () -> new ProxyHeaderDecoder().decode(hex(SIGNATURE + "213100d8" + body)));
        assertEquals(Reason.BAD_ADDRESS, e.reason());
    }
}

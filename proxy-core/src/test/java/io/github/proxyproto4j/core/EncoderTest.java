package io.github.proxyproto4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class EncoderTest {

    static ProxyHeader decode(byte[] bytes, int maxHeader, int maxTlv) throws ProxyProtocolException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        ProxyHeader h = new ProxyHeaderDecoder(maxHeader, maxTlv).decode(in);
        assertNotNull(h, "incomplete");
        assertFalse(in.hasRemaining(), "the encoder wrote bytes beyond the header");
        return h;
    }

    /** decode(encode(decode(bytes))) equals decode(bytes), for every valid vector of the corpus. */
    @TestFactory
    Stream<DynamicTest> reEncodingEveryValidVectorDecodesToTheSameHeader() throws Exception {
        return VectorCorpusTest.corpus().stream().filter(v -> v.verdict().equals("valid"))
                .map(v -> DynamicTest.dynamicTest(v.toString(), () -> {
                    int maxHeader = Integer.parseInt(v.expect().getOrDefault("max_header", "1024"));
                    int maxTlv = Integer.parseInt(v.expect().getOrDefault("max_tlv", "1024"));
                    ProxyHeader first = new ProxyHeaderDecoder(maxHeader, maxTlv).decode(ByteBuffer.wrap(v.bytes()));
                    byte[] again = ProxyHeaderEncoder.encode(first);
                    ProxyHeader second = decode(again, 65535, 65535);
                    assertEquals(first, second);
                    assertEquals(again.length, second.length());
                }));
    }

    @Test
    void randomBuiltHeadersRoundTripInEveryField() throws Exception {
        Random random = new Random(20261126L);
        for (int i = 0; i < 20_000; i++) {
            ProxyHeader built = randomHeader(random);
            boolean crc = random.nextBoolean();
            byte[] bytes = built.version() == 1 ? ProxyHeaderEncoder.encodeV1(built)
                    : ProxyHeaderEncoder.encodeV2(built, crc);
            ProxyHeader decoded = decode(bytes, 65535, 65535);
            String where = "case " + i + ": " + built;
            if (crc && built.version() == 2) {
                assertEquals(built.tlvs().size() + 1, decoded.tlvs().size(), where);
                assertEquals(TlvType.CRC32C, decoded.tlvs().get(decoded.tlvs().size() - 1).type(), where);
                assertEquals(built.tlvs(), decoded.tlvs().subList(0, built.tlvs().size()), where);
            } else {
                assertEquals(built, decoded, where);
                assertEquals(built.length(), decoded.length(), where + ": built length is the encoded length");
                assertEquals(built.tlvs(), decoded.tlvs(), where);
            }
            assertEquals(built.version(), decoded.version(), where);
            assertEquals(built.command(), decoded.command(), where);
            assertEquals(built.family(), decoded.family(), where);
            assertEquals(built.transport(), decoded.transport(), where);
            assertEquals(built.sourceAddress(), decoded.sourceAddress(), where);
            assertEquals(built.destinationAddress(), decoded.destinationAddress(), where);
            assertEquals(built.ssl(), decoded.ssl(), where);
            assertEquals(built.awsVpcEndpointId(), decoded.awsVpcEndpointId(), where);
            assertEquals(built.azurePrivateLinkId(), decoded.azurePrivateLinkId(), where);
            assertEquals(built.gcpPscConnectionId(), decoded.gcpPscConnectionId(), where);
        }
    }

    private static ProxyHeader randomHeader(Random r) throws Exception {
        ProxyHeader.Builder b = ProxyHeader.builder();
        boolean v1 = r.nextInt(3) == 0;
        if (v1) {
            b.version(1);
            switch (r.nextInt(3)) {
                case 0:
                    return b.build(); // UNKNOWN
                case 1:
                    return b.addresses(inet(r, 4), inet(r, 4)).build();
                default:
                    return b.family(AddressFamily.INET6).addresses(inet(r, r.nextInt(4) == 0 ? 4 : 16),
                            inet(r, 16)).build();
            }
        }
        b.command(r.nextInt(4) == 0 ? Command.LOCAL : Command.PROXY);
        AddressFamily family = AddressFamily.values()[r.nextInt(4)];
        if (family != AddressFamily.UNSPEC) {
            b.family(family).transport(r.nextBoolean() ? TransportProtocol.STREAM : TransportProtocol.DGRAM);
            if (family == AddressFamily.UNIX) {
                b.addresses(unix(r), unix(r));
            } else {
                b.addresses(inet(r, family == AddressFamily.INET ? 4 : 16), inet(r, family == AddressFamily.INET ? 4 : 16));
            }
        }
        int tlvs = r.nextInt(6);
        for (int i = 0; i < tlvs; i++) {
            switch (r.nextInt(9)) {
                case 0 -> b.alpn(r.nextBoolean() ? "h2" : "http/1.1");
                case 1 -> b.authority("host" + r.nextInt(1000) + ".example");
                case 2 -> b.uniqueId(bytes(r, r.nextInt(129)));
                case 3 -> b.noop(r.nextInt(20));
                case 4 -> b.awsVpcEndpointId("vpce-" + Long.toHexString(r.nextLong()));
                case 5 -> b.azurePrivateLinkId(r.nextLong() & 0xFFFF_FFFFL);
                case 6 -> b.gcpPscConnectionId(r.nextLong());
                case 7 -> b.tlv(0xE0 + r.nextInt(0x20), bytes(r, r.nextInt(40)));
                default -> b.ssl(ssl(r));
            }
        }
        return b.build();
    }

    private static SslInfo ssl(Random r) {
        List<Tlv> subs = new ArrayList<>();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            int type = TlvType.SSL_VERSION + r.nextInt(8);
            subs.add(Tlv.of(type, ("v" + r.nextInt(100)).getBytes(StandardCharsets.US_ASCII)));
        }
        return SslInfo.of(r.nextInt(8), r.nextInt(3) == 0 ? r.nextLong() & 0xFFFF_FFFFL : 0, subs);
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static InetSocketAddress inet(Random r, int length) throws Exception {
        byte[] ip = bytes(r, length);
        if (length == 16 && r.nextInt(5) == 0) {
            ip = new byte[16]; // lots of zero groups, to exercise "::"
            ip[15] = (byte) r.nextInt(3);
        }
        return new InetSocketAddress(InetAddress.getByAddress(ip), r.nextInt(65536));
    }

    private static SocketAddress unix(Random r) {
        return UnixDomainSocketAddress.of(r.nextInt(10) == 0 ? "" : "/run/s" + r.nextInt(1_000_000) + ".sock");
    }

    @Test
    void v1LinesAreTheSpecsForm() {
        ProxyHeader h = ProxyHeader.builder().version(1)
                .addresses(new InetSocketAddress("192.168.0.1", 56324), new InetSocketAddress("192.168.0.11", 443))
                .build();
        assertEquals("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", ascii(ProxyHeaderEncoder.encode(h)));
        assertEquals(47, h.length());

        ProxyHeader six = ProxyHeader.builder().version(1).family(AddressFamily.INET6)
                .addresses(new InetSocketAddress("2001:db8:0:0:1:0:0:1", 1), new InetSocketAddress("10.0.0.1", 0))
                .build();
        assertEquals("PROXY TCP6 2001:db8::1:0:0:1 ::ffff:10.0.0.1 1 0\r\n", ascii(ProxyHeaderEncoder.encode(six)));
        assertEquals("PROXY UNKNOWN\r\n", ascii(ProxyHeaderEncoder.encode(ProxyHeader.builder().version(1).build())));
    }

    @Test
    void v1RefusesWhatItCannotExpress() {
        InetSocketAddress a = new InetSocketAddress("10.0.0.1", 1);
        assertThrows(IllegalArgumentException.class, () -> ProxyHeaderEncoder.encodeV1(
                ProxyHeader.builder().addresses(a, a).alpn("h2").build()));
        assertThrows(IllegalArgumentException.class, () -> ProxyHeaderEncoder.encodeV1(ProxyHeader.builder()
                .addresses(UnixDomainSocketAddress.of("/a"), UnixDomainSocketAddress.of("/b")).build()));
        assertThrows(IllegalArgumentException.class, () -> ProxyHeaderEncoder.encodeV1(
                ProxyHeader.builder().command(Command.LOCAL).build()));
        assertThrows(IllegalArgumentException.class, () -> ProxyHeaderEncoder.encodeV1(
                ProxyHeader.builder().addresses(a, a).transport(TransportProtocol.DGRAM).build()));
    }

    @Test
    void crc32cIsAddedOrFilledInAndVerifiedByTheDecoder() throws Exception {
        InetSocketAddress a = new InetSocketAddress("10.0.0.1", 1);
        ProxyHeader h = ProxyHeader.builder().addresses(a, a).authority("example.com").build();
        byte[] withCrc = ProxyHeaderEncoder.encodeV2(h, true);
        ProxyHeader decoded = decode(withCrc, 1024, 1024);
        assertEquals(TlvType.CRC32C, decoded.tlvs().get(1).type());
        withCrc[withCrc.length - 8] ^= 1; // a byte of the authority: the CRC must now fail
        ProxyProtocolException e = assertThrows(ProxyProtocolException.class, () -> decode(withCrc, 1024, 1024));
        assertEquals(Reason.CRC_MISMATCH, e.reason());

        ProxyHeader placeholder = ProxyHeader.builder().addresses(a, a).tlv(TlvType.CRC32C, new byte[4]).noop(3).build();
        byte[] filled = ProxyHeaderEncoder.encode(placeholder);
        assertEquals(2, decode(filled, 1024, 1024).tlvs().size());
        assertArrayEquals(filled, ProxyHeaderEncoder.encodeV2(placeholder, true), "an existing CRC32C is reused");

        ProxyHeader twoCrcs = ProxyHeader.builder().addresses(a, a).tlv(TlvType.CRC32C, new byte[4])
                .tlv(TlvType.CRC32C, new byte[4]).build();
        assertThrows(IllegalArgumentException.class, () -> ProxyHeaderEncoder.encode(twoCrcs));
    }

    @Test
    void theSpecsCrcCheckValue() {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0xE3069283L, c.getValue());
    }

    @Test
    void builderRefusesImpossibleHeaders() {
        InetSocketAddress v4 = new InetSocketAddress("10.0.0.1", 1);
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::1", 1);
        assertThrows(IllegalArgumentException.class, () -> ProxyHeader.builder().family(AddressFamily.INET).addresses(v6, v6).build());
        assertThrows(IllegalArgumentException.class, () -> ProxyHeader.builder().family(AddressFamily.INET).build());
        assertThrows(IllegalArgumentException.class, () -> ProxyHeader.builder()
                .addresses(InetSocketAddress.createUnresolved("example.com", 1), v4).build());
        assertThrows(IllegalArgumentException.class, () -> ProxyHeader.builder().transport(TransportProtocol.STREAM).build());
        assertThrows(IllegalArgumentException.class, () -> ProxyHeader.builder().version(3));
        assertThrows(IllegalArgumentException.class, () -> ProxyHeader.builder().azurePrivateLinkId(-1));
        assertTrue(ProxyHeader.builder().addresses(v4, v6).build().family() == AddressFamily.INET6);
    }

    @Test
    void localWithAFamilyWritesAZeroAddressBlockBeforeItsTlvs() throws Exception {
        ProxyHeader local = ProxyHeader.builder().command(Command.LOCAL).family(AddressFamily.INET6)
                .transport(TransportProtocol.STREAM).alpn("h2").build();
        byte[] bytes = ProxyHeaderEncoder.encode(local);
        assertEquals(16 + 36 + 5, bytes.length);
        ProxyHeader decoded = decode(bytes, 1024, 1024);
        assertEquals(local, decoded);
        assertEquals("h2", decoded.alpn().orElseThrow());
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }
}

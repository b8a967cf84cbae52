package io.github.proxyproto4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoder's fast paths ({@link V1Parser#parseComplete}, {@link V2Parser#parseComplete}) may only be faster:
 * whatever they accept, the byte-by-byte parsers must accept too, as the same header of the same length. Checked
 * on every one-byte mutation, truncation and random corruption of typical headers, against the incremental
 * parsers run alone (the decoder itself may finish a header in pieces with a fast path, so it is no oracle).
 */
class FastPathDifferentialTest {
    private static final byte[] REPLACEMENTS = {0, 1, ' ', '\r', '\n', '0', '1', '5', '6', '9', ':', '.', 'a', 'f',
        'g', 'A', 'P', 'T', 0x03, 0x04, 0x05, 0x0C, 0x10, 0x11, 0x12, 0x20, 0x21, 0x22, 0x31, (byte) 0x7F,
        (byte) 0xFF};

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static List<byte[]> bases() {
        List<byte[]> bases = new ArrayList<>();
        bases.add(ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"));
        bases.add(ascii("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n"));
        bases.add(ascii("PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n"));
        bases.add(ascii("PROXY TCP6 ::ffff:192.0.2.1 1:2:3:4:5:6:7:8 1 10\r\n"));
        bases.add(ascii("PROXY TCP6 :: fe80::1:2 65535 9\r\n"));
        bases.add(ascii("PROXY UNKNOWN\r\n"));
        bases.add(ProxyHeaderEncoder.encodeV2(ProxyHeader.builder()
                .addresses(new InetSocketAddress("192.168.0.1", 56324), new InetSocketAddress("192.168.0.11", 443))
                .build(), false));
        bases.add(ProxyHeaderEncoder.encodeV2(ProxyHeader.builder()
                .addresses(new InetSocketAddress("2001:db8::1", 56324), new InetSocketAddress("2001:db8::2", 443))
                .alpn("h2").authority("example.com").uniqueId(new byte[] {1, 2, 3})
                .ssl(SslInfo.of(SslInfo.CLIENT_SSL, 0, List.of(Tlv.of(TlvType.SSL_VERSION, ascii("TLSv1.3")),
                        Tlv.of(TlvType.SSL_CN, ascii("client")))))
                .awsVpcEndpointId("vpce-08d2bf15fac5001c9").noop(2)
                .build(), true));
        bases.add(ProxyHeaderEncoder.encodeV2(ProxyHeader.builder()
                .addresses(new InetSocketAddress("10.0.0.1", 1), new InetSocketAddress("10.0.0.2", 2))
                .transport(TransportProtocol.DGRAM).netns("ns").build(), true));
        return bases;
    }

    @Test
    void fastPathsAcceptOnlyWhatTheIncrementalParsersAccept() {
        int accepted = 0;
        int checked = 0;
        Random random = new Random(42);
        for (byte[] base : bases()) {
            List<byte[]> variants = new ArrayList<>();
            variants.add(base);
            for (int len = 0; len < base.length; len++) {
                variants.add(Arrays.copyOf(base, len));
            }
            for (int p = 0; p < base.length; p++) {
                for (byte r : REPLACEMENTS) {
                    byte[] m = base.clone();
                    m[p] = r;
                    variants.add(m);
                }
            }
            for (int k = 0; k < 2000; k++) {
                byte[] m = base.clone();
                for (int hits = 1 + random.nextInt(3); hits > 0; hits--) {
                    m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                }
                variants.add(m);
            }
            for (byte[] v : variants) {
                byte[] wire = Arrays.copyOf(v, v.length + 5); // followed by other bytes, as a request would be
                wire[v.length] = 'G';
                ProxyHeader fast = v.length > 0 && v[0] == 'P' ? V1Parser.parseComplete(wire, 0, wire.length)
                        : V2Parser.parseComplete(wire, 0, wire.length, ProxyHeaderDecoder.DEFAULT_MAX_HEADER_SIZE,
                                ProxyHeaderDecoder.DEFAULT_MAX_TLV_SIZE);
                checked++;
                if (fast == null) {
                    continue;
                }
                accepted++;
                ProxyHeader slow = decodeIncrementally(wire);
                assertNotNull(slow, () -> "incomplete by the incremental parser: " + HexFormat.of().formatHex(v));
                assertEquals(slow, fast, () -> HexFormat.of().formatHex(v));
                assertEquals(slow.length(), fast.length(), () -> HexFormat.of().formatHex(v));
                assertEquals(slow.sourceAddress(), fast.sourceAddress());
                assertEquals(slow.destinationAddress(), fast.destinationAddress());
                assertEquals(slow.tlvs(), fast.tlvs());
            }
        }
        assertTrue(accepted > 500, "the fast paths accepted only " + accepted + " of " + checked);
    }

    /** With the incremental parsers alone, as the decoder runs them when a fast path declines. */
    private static ProxyHeader decodeIncrementally(byte[] wire) {
        try {
            if (wire[0] == 'P') {
                V1Parser v1 = new V1Parser();
                int length = v1.feed(wire, 0, 0, wire.length);
                return length < 0 ? null : v1.header(length);
            }
            V2Parser v2 = new V2Parser(ProxyHeaderDecoder.DEFAULT_MAX_HEADER_SIZE,
                    ProxyHeaderDecoder.DEFAULT_MAX_TLV_SIZE);
            ByteBuffer b = ByteBuffer.wrap(wire);
            return v2.feed(b, 0, 0, wire.length) < 0 ? null : v2.header(b, 0);
        } catch (ProxyProtocolException e) {
            return fail("refused by the incremental parser (" + e.reason() + ") but accepted by the fast path: "
                    + HexFormat.of().formatHex(wire));
        }
    }
}

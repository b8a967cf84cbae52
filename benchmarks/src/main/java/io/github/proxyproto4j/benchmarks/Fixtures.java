package io.github.proxyproto4j.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** The wire bytes the benchmarks decode: one PROXY header followed by the first bytes of an HTTP request. */
final class Fixtures {

    // Declared first: the fixtures below are built from it during class initialisation.
    private static final byte[] V2_SIGNATURE = {
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
    };

    static final byte[] HTTP_PAYLOAD = ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

    /** v1 TCP4 line. */
    static final byte[] V1_TCP4_HEADER = ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");

    /** v1 TCP6 line. */
    static final byte[] V1_TCP6_HEADER = ascii("PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n");

    /** v2 PROXY, TCP over IPv4, no TLV. */
    static final byte[] V2_TCP4_HEADER = v2Tcp4Header();

    /** v2 PROXY, TCP over IPv6, with ALPN, AUTHORITY, UNIQUE_ID, SSL (3 sub-TLVs), AWS and a valid CRC32C TLV. */
    static final byte[] V2_TCP6_TLVS_HEADER = v2Tcp6TlvsHeader();

    /** v1 TCP4 line plus payload. */
    static final byte[] V1_TCP4 = concat(V1_TCP4_HEADER, HTTP_PAYLOAD);

    /** v2 IPv6 with six TLVs plus payload. */
    static final byte[] V2_TCP6_TLVS = concat(V2_TCP6_TLVS_HEADER, HTTP_PAYLOAD);

    private Fixtures() {
    }

    private static byte[] v2Tcp4Header() {
        ByteBuffer header = ByteBuffer.allocate(16 + 12);
        header.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
        header.put(new byte[] {(byte) 192, (byte) 168, 0, 1}).put(new byte[] {(byte) 192, (byte) 168, 0, 11});
        header.putShort((short) 56324).putShort((short) 443);
        return header.array();
    }

    private static byte[] v2Tcp6TlvsHeader() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        // Address block: 2001:db8::1 -> 2001:db8::2, ports 56324 -> 443.
        body.writeBytes(ipv6(1));
        body.writeBytes(ipv6(2));
        u16(body, 56324);
        u16(body, 443);

        tlv(body, 0x01, ascii("h2"));                         // PP2_TYPE_ALPN
        tlv(body, 0x02, ascii("example.com"));                // PP2_TYPE_AUTHORITY
        byte[] uniqueId = new byte[16];
        for (int i = 0; i < uniqueId.length; i++) {
            uniqueId[i] = (byte) (0xA0 + i);
        }
        tlv(body, 0x05, uniqueId);                            // PP2_TYPE_UNIQUE_ID

        ByteArrayOutputStream ssl = new ByteArrayOutputStream();
        ssl.write(0x07);                                      // client: SSL | CERT_CONN | CERT_SESS
        ssl.writeBytes(new byte[] {0, 0, 0, 0});              // verify: 0 = client certificate verified
        tlv(ssl, 0x21, ascii("TLSv1.3"));                     // PP2_SUBTYPE_SSL_VERSION
        tlv(ssl, 0x22, ascii("client.example.com"));          // PP2_SUBTYPE_SSL_CN
        tlv(ssl, 0x23, ascii("TLS_AES_128_GCM_SHA256"));      // PP2_SUBTYPE_SSL_CIPHER
        tlv(body, 0x20, ssl.toByteArray());                   // PP2_TYPE_SSL

        tlv(body, 0xEA, concat(new byte[] {0x01}, ascii("vpce-08d2bf15fac5001c9"))); // PP2_TYPE_AWS, VPCE id

        tlv(body, 0x03, new byte[4]);                         // PP2_TYPE_CRC32C, zeroed for now

        byte[] rest = body.toByteArray();
        ByteBuffer header = ByteBuffer.allocate(16 + rest.length);
        header.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x21).putShort((short) rest.length).put(rest);
        byte[] bytes = header.array();

        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);                   // over the whole header, CRC value zeroed
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue()); // big-endian
        return bytes;
    }

    /** @return the header followed by the first bytes of an HTTP request, as one read would bring them */
    static byte[] withPayload(byte[] header) {
        return concat(header, HTTP_PAYLOAD);
    }

    private static byte[] ipv6(int last) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0D;
        a[3] = (byte) 0xB8;
        a[15] = (byte) last;
        return a;
    }

    private static void tlv(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        u16(out, value.length);
        out.writeBytes(value);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

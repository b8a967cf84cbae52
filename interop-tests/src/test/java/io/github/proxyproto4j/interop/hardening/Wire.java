package io.github.proxyproto4j.interop.hardening;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Raw PROXY protocol bytes written by hand, so that a test can say exactly which byte breaks which rule. */
final class Wire {
    /** The v2 signature: twelve bytes. */
    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** v2 byte 13: version 2, PROXY. */
    static final int PROXY = 0x21;
    /** v2 byte 13: version 2, LOCAL. */
    static final int LOCAL = 0x20;
    /** v2 byte 14: INET over STREAM. */
    static final int TCP4 = 0x11;
    /** v2 byte 14: INET6 over STREAM. */
    static final int TCP6 = 0x21;
    /** v2 byte 14: UNIX over STREAM. */
    static final int UNIX_STREAM = 0x31;
    /** v2 byte 14: UNSPEC. */
    static final int UNSPEC = 0x00;

    /** The request that follows a header (or stands alone): what a client behind the header would send. */
    static final byte[] REQUEST = ascii("GET /hardening HTTP/1.1\r\nHost: receiver\r\nConnection: close\r\n\r\n");

    private Wire() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static byte[] repeat(char c, int n) {
        byte[] out = new byte[n];
        Arrays.fill(out, (byte) c);
        return out;
    }

    /** A v2 header: signature, byte 13, byte 14, the given length field, then the body as given. */
    static byte[] v2(int versionCommand, int familyTransport, int length, byte[]... body) {
        return concat(SIGNATURE, bytes(versionCommand, familyTransport, length >> 8, length & 0xFF), concat(body));
    }

    /** A v2 header whose length field is the body's length. */
    static byte[] v2(int versionCommand, int familyTransport, byte[]... body) {
        byte[] b = concat(body);
        return v2(versionCommand, familyTransport, b.length, b);
    }

    /** The INET address block: 192.0.2.1:40000 to 198.51.100.1:443. */
    static byte[] inet() {
        return bytes(192, 0, 2, 1, 198, 51, 100, 1, 0x9C, 0x40, 0x01, 0xBB);
    }

    /** The INET6 address block: 2001:db8::1 port 40000 to 2001:db8::2 port 443. */
    static byte[] inet6() {
        byte[] b = new byte[36];
        b[0] = 0x20;
        b[1] = 0x01;
        b[2] = 0x0D;
        b[3] = (byte) 0xB8;
        b[15] = 1;
        b[16] = 0x20;
        b[17] = 0x01;
        b[18] = 0x0D;
        b[19] = (byte) 0xB8;
        b[31] = 2;
        b[32] = (byte) 0x9C;
        b[33] = 0x40;
        b[34] = 0x01;
        b[35] = (byte) 0xBB;
        return b;
    }

    /** The UNIX address block: two 108-byte NUL-padded paths. */
    static byte[] unix(byte[] source, byte[] destination) {
        byte[] b = new byte[216];
        System.arraycopy(source, 0, b, 0, source.length);
        System.arraycopy(destination, 0, b, 108, destination.length);
        return b;
    }

    /** A TLV whose length field is its value's length. */
    static byte[] tlv(int type, byte[] value) {
        return tlv(type, value.length, value);
    }

    /** A TLV with a length field that may lie about its value. */
    static byte[] tlv(int type, int length, byte[] value) {
        return concat(bytes(type, length >> 8, length & 0xFF), value);
    }

    /**
     * A PROXY/INET header with a CRC32C TLV (and the given TLVs before it), the checksum computed as the spec says
     * (big-endian, over the whole header with its own four bytes zero), then changed by {@code tamper}.
     */
    static byte[] withCrc(CrcTamper tamper, byte[]... tlvsBefore) {
        byte[] header = v2(PROXY, TCP4, inet(), concat(tlvsBefore), tlv(0x03, new byte[4]));
        int at = header.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(header);
        long value = crc.getValue();
        return tamper.apply(header, at, value);
    }

    /** How a test spoils a correct CRC32C. */
    interface CrcTamper {
        byte[] apply(byte[] header, int crcAt, long correct);
    }

    static void putInt(byte[] b, int at, long v) {
        b[at] = (byte) (v >> 24);
        b[at + 1] = (byte) (v >> 16);
        b[at + 2] = (byte) (v >> 8);
        b[at + 3] = (byte) v;
    }
}

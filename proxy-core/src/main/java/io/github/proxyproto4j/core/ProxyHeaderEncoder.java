package io.github.proxyproto4j.core;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Writes headers: v1 lines and v2 binary headers, any command, family, transport and TLV. For senders and
 * tests; receivers only decode.
 */
public final class ProxyHeaderEncoder {
    private ProxyHeaderEncoder() {
    }

    /**
     * Encodes a header in its own {@link ProxyHeader#version()}. A v2 header's CRC32C TLV, if it has one, is
     * filled in with the right value.
     *
     * @param header the header
     * @return the bytes
     * @throws IllegalArgumentException where v1 cannot express the header, or there are several CRC32C TLVs
     */
    public static byte[] encode(ProxyHeader header) {
        return header.version() == 1 ? encodeV1(header) : encodeV2(header, false);
    }

    /**
     * Encodes a v1 line: {@code PROXY TCP4|TCP6 src dst sport dport\r\n}, or {@code PROXY UNKNOWN\r\n} for
     * UNSPEC. IPv6 is written in RFC 5952 form, IPv4-mapped addresses as {@code ::ffff:a.b.c.d}.
     *
     * @param header the header, whatever its version
     * @return the bytes
     * @throws IllegalArgumentException if v1 cannot express it: LOCAL, TLVs, UNIX, or a transport other than STREAM
     */
    public static byte[] encodeV1(ProxyHeader header) {
        return v1Line(header).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Encodes a v2 header: signature, version and command, family and transport, length, the address block
     * (zeros for LOCAL with a family), then the TLVs in order.
     *
     * @param header the header, whatever its version
     * @param addCrc32c whether to append a CRC32C TLV when the header has none; an existing one is always
     *        filled in with the right value
     * @return the bytes
     * @throws IllegalArgumentException if there is more than one CRC32C TLV (no value can satisfy them all)
     */
    public static byte[] encodeV2(ProxyHeader header, boolean addCrc32c) {
        byte[] tlvs = header.tlvBytes();
        int crcAt = crcOffset(tlvs);
        boolean appendCrc = addCrc32c && crcAt < 0;
        int block = addressBlockLength(header);
        int length = block + tlvs.length + (appendCrc ? 7 : 0);
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("a v2 header holds at most 65535 bytes after its fixed part: " + length);
        }
        byte[] out = new byte[V2Parser.FIXED_LENGTH + length];
        System.arraycopy(V2Parser.SIGNATURE, 0, out, 0, V2Parser.SIGNATURE.length);
        out[12] = (byte) (0x20 | (header.command() == Command.PROXY ? 1 : 0));
        out[13] = (byte) (familyNibble(header.family()) << 4 | transportNibble(header.transport()));
        out[14] = (byte) (length >> 8);
        out[15] = (byte) length;
        int a = V2Parser.FIXED_LENGTH;
        byte[] ips = header.ipBytes();
        if (ips != null) {
            System.arraycopy(ips, 0, out, a, ips.length);
            int ports = a + ips.length;
            out[ports] = (byte) (header.sourcePort() >> 8);
            out[ports + 1] = (byte) header.sourcePort();
            out[ports + 2] = (byte) (header.destinationPort() >> 8);
            out[ports + 3] = (byte) header.destinationPort();
        } else if (header.unixBlock() != null) {
            System.arraycopy(header.unixBlock(), 0, out, a, header.unixBlock().length);
        }
        int t = a + block;
        System.arraycopy(tlvs, 0, out, t, tlvs.length);
        if (appendCrc) {
            crcAt = tlvs.length;
            out[t + crcAt] = TlvType.CRC32C;
            out[t + crcAt + 2] = 4;
        }
        if (crcAt >= 0) {
            int value = t + crcAt + 3;
            out[value] = 0;
            out[value + 1] = 0;
            out[value + 2] = 0;
            out[value + 3] = 0;
            CRC32C crc = new CRC32C();
            crc.update(out, 0, out.length);
            long c = crc.getValue();
            out[value] = (byte) (c >> 24);
            out[value + 1] = (byte) (c >> 16);
            out[value + 2] = (byte) (c >> 8);
            out[value + 3] = (byte) c;
        }
        return out;
    }

    /** The length {@link #encode} gives, or 0 where v1 cannot express the header. */
    static int encodedLength(ProxyHeader header) {
        if (header.version() == 2) {
            return V2Parser.FIXED_LENGTH + addressBlockLength(header) + header.tlvBytes().length;
        }
        try {
            return v1Line(header).length();
        } catch (IllegalArgumentException inexpressible) {
            return 0;
        }
    }

    /** A LOCAL header decoded from a body too short for its family has no block; every other has its family's. */
    private static int addressBlockLength(ProxyHeader h) {
        if (h.ipBytes() != null) {
            return h.ipBytes().length + 4;
        }
        return h.unixBlock() != null ? h.unixBlock().length : 0;
    }

    private static String v1Line(ProxyHeader h) {
        if (h.command() != Command.PROXY) {
            throw new IllegalArgumentException("v1 cannot express LOCAL");
        }
        if (h.tlvBytes().length > 0) {
            throw new IllegalArgumentException("v1 cannot carry TLVs");
        }
        switch (h.family()) {
            case UNSPEC:
                return "PROXY UNKNOWN\r\n";
            case INET:
            case INET6:
                break;
            default:
                throw new IllegalArgumentException("v1 cannot express the " + h.family() + " family");
        }
        if (h.transport() != TransportProtocol.STREAM) {
            throw new IllegalArgumentException("v1 carries TCP only, not " + h.transport());
        }
        byte[] ips = h.ipBytes();
        int n = ips.length / 2;
        boolean v6 = h.family() == AddressFamily.INET6;
        return "PROXY " + (v6 ? "TCP6 " : "TCP4 ") + v1Address(ips, 0, n) + ' ' + v1Address(ips, n, n) + ' '
                + h.sourcePort() + ' ' + h.destinationPort() + "\r\n";
    }

    private static String v1Address(byte[] ips, int off, int n) {
        if (n == 16 && IpLiterals.isIpv4Mapped(ips, off)) {
            return "::ffff:" + IpLiterals.format(ips, off + 12, 4);
        }
        return IpLiterals.format(ips, off, n);
    }

    /** @return the offset of the only CRC32C TLV in a TLV section, or -1 */
    private static int crcOffset(byte[] tlvs) {
        int found = -1;
        for (int off = 0; off < tlvs.length; off += TlvSection.HEAD + TlvSection.valueLength(tlvs, off)) {
            if ((tlvs[off] & 0xFF) == TlvType.CRC32C) {
                if (found >= 0) {
                    throw new IllegalArgumentException("more than one CRC32C TLV: no value can satisfy them all");
                }
                if (TlvSection.valueLength(tlvs, off) != 4) {
                    throw new IllegalArgumentException("a CRC32C TLV holds 4 bytes");
                }
                found = off;
            }
        }
        return found;
    }

    private static int familyNibble(AddressFamily f) {
        switch (f) {
            case INET:
                return 1;
            case INET6:
                return 2;
            case UNIX:
                return 3;
            default:
                return 0;
        }
    }

    private static int transportNibble(TransportProtocol t) {
        switch (t) {
            case STREAM:
                return 1;
            case DGRAM:
                return 2;
            default:
                return 0;
        }
    }
}

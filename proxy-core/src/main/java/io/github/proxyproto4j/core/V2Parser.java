package io.github.proxyproto4j.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The v2 binary header: a 16-byte fixed part (signature, version and command, family and transport,
 * length), then {@code length} bytes of addresses and TLVs. The fixed part is checked byte by byte as it
 * arrives; the rest once it is all there.
 */
final class V2Parser {
    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    static final int FIXED_LENGTH = 16;

    static final int INET_BLOCK = 12;
    static final int INET6_BLOCK = 36;
    static final int UNIX_BLOCK = 216;
    private static final int UNIX_PATH = 108;
    private static final int UNIQUE_ID_MAX = 128;
    private static final int AUTHORITY_MAX = 255;

    private V2Parser() {
    }

    /**
     * Checks fixed-part bytes {@code from} to {@code to} (exclusive, at most 16) as they arrive.
     * Earlier fixed-part bytes must still be readable at {@code b.get(base + i)}.
     */
    static void checkFixed(ByteBuffer b, int base, int from, int to, int maxLength) throws ProxyProtocolException {
        for (int i = from; i < to; i++) {
            int c = b.get(base + i) & 0xFF;
            if (i < SIGNATURE.length) {
                if (c != SIGNATURE[i]) {
                    throw fail(Reason.NOT_PROXY, "not a PROXY header", i);
                }
            } else if (i == 12) {
                if (c >> 4 != 2) {
                    throw fail(Reason.BAD_VERSION, "version " + (c >> 4) + " is not 2", i);
                }
                if ((c & 0x0F) > 1) {
                    throw fail(Reason.BAD_COMMAND, "command " + (c & 0x0F) + " is neither LOCAL nor PROXY", i);
                }
            } else if (i == 13) {
                if (family(c) == null || transport(c) == null) {
                    throw fail(Reason.BAD_FAMILY_TRANSPORT, String.format("family/transport 0x%02X", c), i);
                }
            } else if (i == 15) {
                int length = length(b, base);
                if (length > maxLength) {
                    throw fail(Reason.HEADER_TOO_LARGE, "length " + length + " exceeds the limit " + maxLength, i);
                }
                boolean proxy = (b.get(base + 12) & 0x0F) == 1;
                int block = addressBlock(family(b.get(base + 13) & 0xFF));
                if (proxy && length < block) {
                    throw fail(Reason.LENGTH_TOO_SHORT, "length " + length + " is shorter than the "
                            + block + "-byte address block", i);
                }
            }
        }
    }

    /** @return the value of the length field; bytes 14 and 15 must be there */
    static int length(ByteBuffer b, int base) {
        return (b.get(base + 14) & 0xFF) << 8 | (b.get(base + 15) & 0xFF);
    }

    /** Parses a whole header of {@code total} bytes whose fixed part {@link #checkFixed} accepted. */
    static ProxyHeader parse(ByteBuffer b, int base, int total, int maxTlv) throws ProxyProtocolException {
        Command command = (b.get(base + 12) & 0x0F) == 1 ? Command.PROXY : Command.LOCAL;
        int familyByte = b.get(base + 13) & 0xFF;
        AddressFamily family = family(familyByte);
        TransportProtocol transport = transport(familyByte);
        int block = addressBlock(family);
        int length = total - FIXED_LENGTH;

        // LOCAL ignores addresses. Its TLVs follow the address block if the header has room for one;
        // HAProxy sends LOCAL with family UNSPEC, where they start right away.
        int tlvStart = command == Command.PROXY || length >= block ? FIXED_LENGTH + block : total;
        byte[] tlvs = null;
        if (tlvStart < total) {
            tlvs = new byte[total - tlvStart];
            b.get(base + tlvStart, tlvs);
            checkTlvs(b, base, total, tlvStart, tlvs, maxTlv);
        }

        if (command == Command.LOCAL || family == AddressFamily.UNSPEC) {
            return ProxyHeader.withoutAddresses(2, command, family, transport, total, tlvs);
        }
        int a = base + FIXED_LENGTH;
        if (family == AddressFamily.UNIX) {
            return ProxyHeader.ofUnix(command, transport, total, unixPath(b, a), unixPath(b, a + UNIX_PATH), tlvs);
        }
        int ipLength = family == AddressFamily.INET ? 4 : 16;
        byte[] ips = new byte[2 * ipLength];
        b.get(a, ips);
        int ports = a + 2 * ipLength;
        int sourcePort = (b.get(ports) & 0xFF) << 8 | (b.get(ports + 1) & 0xFF);
        int destinationPort = (b.get(ports + 2) & 0xFF) << 8 | (b.get(ports + 3) & 0xFF);
        return ProxyHeader.ofIp(2, command, family, transport, total, ips, sourcePort, destinationPort, tlvs);
    }

    /** Validates the TLV section, in wire order; {@code tlvs} is its copy, starting at header offset {@code start}. */
    private static void checkTlvs(ByteBuffer b, int base, int total, int start, byte[] tlvs, int maxTlv)
            throws ProxyProtocolException {
        int off = 0;
        while (off < tlvs.length) {
            if (tlvs.length - off < TlvSection.HEAD) {
                throw fail(Reason.TLV_OVERRUN, "truncated TLV head", start + off);
            }
            int type = tlvs[off] & 0xFF;
            int len = TlvSection.valueLength(tlvs, off);
            int value = off + TlvSection.HEAD;
            if (value + len > tlvs.length) {
                throw fail(Reason.TLV_OVERRUN, String.format("TLV 0x%02X of %d bytes runs past the header", type, len),
                        start + off);
            }
            if (len > maxTlv) {
                throw fail(Reason.TLV_TOO_LARGE, String.format("TLV 0x%02X of %d bytes exceeds the limit %d",
                        type, len, maxTlv), start + off);
            }
            switch (type) {
                case TlvType.CRC32C:
                    if (len != 4) {
                        throw fail(Reason.BAD_TLV, "CRC32C TLV of " + len + " bytes, not 4", start + off);
                    }
                    checkCrc(b, base, total, start + value, tlvs, value, start + off);
                    break;
                case TlvType.UNIQUE_ID:
                    if (len > UNIQUE_ID_MAX) {
                        throw fail(Reason.BAD_TLV, "UNIQUE_ID of " + len + " bytes, over 128", start + off);
                    }
                    break;
                case TlvType.AUTHORITY:
                    if (len > AUTHORITY_MAX) {
                        throw fail(Reason.BAD_TLV, "AUTHORITY of " + len + " bytes, over 255", start + off);
                    }
                    break;
                case TlvType.SSL:
                    if (!SslInfo.isWellFormed(tlvs, value, value + len)) {
                        throw fail(Reason.BAD_SSL_TLV, "malformed SSL TLV", start + off);
                    }
                    break;
                default:
                    break;
            }
            off = value + len;
        }
    }

    /** CRC32C over the whole header with the checksum's own four bytes taken as zero. */
    private static void checkCrc(ByteBuffer b, int base, int total, int crcAt, byte[] tlvs, int crcInTlvs,
            int tlvOffset) throws ProxyProtocolException {
        long expected = (tlvs[crcInTlvs] & 0xFFL) << 24 | (tlvs[crcInTlvs + 1] & 0xFF) << 16
                | (tlvs[crcInTlvs + 2] & 0xFF) << 8 | (tlvs[crcInTlvs + 3] & 0xFF);
        CRC32C crc = new CRC32C();
        ByteBuffer view = b.duplicate();
        view.limit(base + crcAt).position(base);
        crc.update(view);
        crc.update(new byte[4]);
        view.limit(base + total).position(base + crcAt + 4);
        crc.update(view);
        if (crc.getValue() != expected) {
            throw fail(Reason.CRC_MISMATCH, String.format("CRC32C 0x%08X, computed 0x%08X", expected,
                    crc.getValue()), tlvOffset);
        }
    }

    private static String unixPath(ByteBuffer b, int at) throws ProxyProtocolException {
        int end = 0;
        while (end < UNIX_PATH && b.get(at + end) != 0) {
            end++;
        }
        byte[] raw = new byte[end];
        b.get(at, raw);
        try {
            String path = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
            Path.of(path); // what UnixDomainSocketAddress.of will need later
            return path;
        } catch (CharacterCodingException | InvalidPathException e) {
            throw new ProxyProtocolException(Reason.BAD_ADDRESS, "v2: UNIX path is not a valid path");
        }
    }

    static int addressBlock(AddressFamily family) {
        switch (family) {
            case INET:
                return INET_BLOCK;
            case INET6:
                return INET6_BLOCK;
            case UNIX:
                return UNIX_BLOCK;
            default:
                return 0;
        }
    }

    /** @return the family of byte 14, or null if it is none of the spec's */
    static AddressFamily family(int familyByte) {
        switch (familyByte >> 4) {
            case 0:
                return familyByte == 0x00 ? AddressFamily.UNSPEC : null; // UNSPEC only goes with UNSPEC
            case 1:
                return AddressFamily.INET;
            case 2:
                return AddressFamily.INET6;
            case 3:
                return AddressFamily.UNIX;
            default:
                return null;
        }
    }

    /** @return the transport of byte 14, or null if it is none of the spec's */
    static TransportProtocol transport(int familyByte) {
        int t = familyByte & 0x0F;
        if (familyByte >> 4 == 0) {
            return t == 0 ? TransportProtocol.UNSPEC : null;
        }
        switch (t) {
            case 1:
                return TransportProtocol.STREAM;
            case 2:
                return TransportProtocol.DGRAM;
            default:
                return null; // 0x10, 0x20, 0x30 and 0x?3 upward are not in the spec's list
        }
    }

    private static ProxyProtocolException fail(Reason reason, String what, int offset) {
        return new ProxyProtocolException(reason, "v2: " + what + " at byte " + offset);
    }
}

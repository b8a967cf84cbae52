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
 * length), then {@code length} bytes of addresses and TLVs.
 *
 * <p>Everything that can be checked before the header is complete is checked as the bytes arrive, in
 * wire order: the fixed part byte by byte, the address block once it is there, each TLV's head as soon as
 * it arrives and its value once complete. Only the CRC32C, which covers the whole header, waits for the
 * end. So the reason depends only on the bytes, never on how they were split into reads.
 */
final class V2Parser {
    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    static final int FIXED_LENGTH = 16;

    static final int INET_BLOCK = 12;
    static final int INET6_BLOCK = 36;
    static final int UNIX_BLOCK = 216;
    static final int UNIX_PATH = 108;
    private static final int UNIQUE_ID_MAX = 128;
    private static final int AUTHORITY_MAX = 255;

    private final int maxLength;
    private final int maxTlv;

    /** 16 + the length field, or -1 until the fixed part is complete. */
    private int total;
    private int tlvStart;
    private boolean unixPaths;
    /** Header offset of the next TLV head to check, or of the value being waited for. */
    private int cursor;
    private int valueEnd;
    private boolean inValue;
    private boolean sslValue;

    V2Parser(int maxLength, int maxTlv) {
        this.maxLength = maxLength;
        this.maxTlv = maxTlv;
        reset();
    }

    void reset() {
        total = -1;
        tlvStart = 0;
        unixPaths = false;
        cursor = 0;
        valueEnd = 0;
        inValue = false;
        sslValue = false;
    }

    /** @return 16 + the length field, or -1 while the fixed part is incomplete */
    int total() {
        return total;
    }

    /**
     * Checks header bytes {@code from} to {@code to} (exclusive) as they arrive; header byte {@code i} is
     * {@code b.get(base + i)} and earlier header bytes must still be there.
     *
     * @return the header's total length once all of it is there, else -1
     */
    int feed(ByteBuffer b, int base, int from, int to) throws ProxyProtocolException {
        if (from < FIXED_LENGTH) {
            checkFixed(b, base, from, Math.min(to, FIXED_LENGTH));
            if (to < FIXED_LENGTH) {
                return -1;
            }
            total = FIXED_LENGTH + length(b, base);
            Command command = (b.get(base + 12) & 0x0F) == 1 ? Command.PROXY : Command.LOCAL;
            AddressFamily family = family(b.get(base + 13) & 0xFF);
            int block = addressBlock(family);
            // LOCAL ignores addresses. Its TLVs follow the address block if the header has room for one;
            // HAProxy sends LOCAL with family UNSPEC, where they start right away.
            tlvStart = command == Command.PROXY || total - FIXED_LENGTH >= block ? FIXED_LENGTH + block : total;
            unixPaths = command == Command.PROXY && family == AddressFamily.UNIX;
            cursor = tlvStart;
        }
        int available = Math.min(to, total);
        if (available < tlvStart) {
            return -1;
        }
        if (unixPaths) {
            unixPath(b, base + FIXED_LENGTH);
            unixPath(b, base + FIXED_LENGTH + UNIX_PATH);
            unixPaths = false;
        }
        while (cursor < total) {
            if (!inValue) {
                if (total - cursor < TlvSection.HEAD) {
                    throw fail(Reason.TLV_OVERRUN, "truncated TLV head", cursor);
                }
                if (available - cursor < TlvSection.HEAD) {
                    return -1;
                }
                checkTlvHead(b, base);
            }
            if (available < valueEnd) {
                return -1;
            }
            if (sslValue && !SslInfo.isWellFormed(b, base + cursor + TlvSection.HEAD, base + valueEnd)) {
                throw fail(Reason.BAD_SSL_TLV, "malformed SSL TLV", cursor);
            }
            cursor = valueEnd;
            inValue = false;
        }
        return to >= total ? total : -1;
    }

    private void checkTlvHead(ByteBuffer b, int base) throws ProxyProtocolException {
        int type = b.get(base + cursor) & 0xFF;
        int len = (b.get(base + cursor + 1) & 0xFF) << 8 | (b.get(base + cursor + 2) & 0xFF);
        valueEnd = cursor + TlvSection.HEAD + len;
        if (valueEnd > total) {
            throw fail(Reason.TLV_OVERRUN, String.format("TLV 0x%02X of %d bytes runs past the header", type, len),
                    cursor);
        }
        if (len > maxTlv) {
            throw fail(Reason.TLV_TOO_LARGE, String.format("TLV 0x%02X of %d bytes exceeds the limit %d",
                    type, len, maxTlv), cursor);
        }
        if (type == TlvType.CRC32C && len != 4) {
            throw fail(Reason.BAD_TLV, "CRC32C TLV of " + len + " bytes, not 4", cursor);
        }
        if (type == TlvType.UNIQUE_ID && len > UNIQUE_ID_MAX) {
            throw fail(Reason.BAD_TLV, "UNIQUE_ID of " + len + " bytes, over 128", cursor);
        }
        if (type == TlvType.AUTHORITY && len > AUTHORITY_MAX) {
            throw fail(Reason.BAD_TLV, "AUTHORITY of " + len + " bytes, over 255", cursor);
        }
        sslValue = type == TlvType.SSL;
        inValue = true;
    }

    /** Checks fixed-part bytes {@code from} to {@code to} (at most 16) as they arrive. */
    private void checkFixed(ByteBuffer b, int base, int from, int to) throws ProxyProtocolException {
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

    private static int length(ByteBuffer b, int base) {
        return (b.get(base + 14) & 0xFF) << 8 | (b.get(base + 15) & 0xFF);
    }

    /** Builds the header that {@link #feed} found complete, once its CRC32C TLVs (if any) match. */
    ProxyHeader header(ByteBuffer b, int base) throws ProxyProtocolException {
        Command command = (b.get(base + 12) & 0x0F) == 1 ? Command.PROXY : Command.LOCAL;
        int familyByte = b.get(base + 13) & 0xFF;
        AddressFamily family = family(familyByte);
        TransportProtocol transport = transport(familyByte);

        byte[] tlvs = null;
        if (tlvStart < total) {
            tlvs = new byte[total - tlvStart];
            b.get(base + tlvStart, tlvs);
            for (int off = 0; off < tlvs.length; off += TlvSection.HEAD + TlvSection.valueLength(tlvs, off)) {
                if ((tlvs[off] & 0xFF) == TlvType.CRC32C) {
                    checkCrc(b, base, total, tlvStart + off + TlvSection.HEAD, tlvs, off + TlvSection.HEAD,
                            tlvStart + off);
                }
            }
        }

        // A LOCAL header keeps the address block it carried (exposing no address), so it re-encodes exactly.
        if (family == AddressFamily.UNSPEC || (command == Command.LOCAL
                && total - FIXED_LENGTH < addressBlock(family))) {
            return ProxyHeader.withoutAddresses(2, command, family, transport, total, tlvs);
        }
        int a = base + FIXED_LENGTH;
        if (family == AddressFamily.UNIX) {
            byte[] block = new byte[UNIX_BLOCK];
            b.get(a, block);
            return ProxyHeader.ofUnix(command, transport, total, block, tlvs);
        }
        int ipLength = family == AddressFamily.INET ? 4 : 16;
        byte[] ips = new byte[2 * ipLength];
        b.get(a, ips);
        int ports = a + 2 * ipLength;
        int sourcePort = (b.get(ports) & 0xFF) << 8 | (b.get(ports + 1) & 0xFF);
        int destinationPort = (b.get(ports + 2) & 0xFF) << 8 | (b.get(ports + 3) & 0xFF);
        return ProxyHeader.ofIp(2, command, family, transport, total, ips, sourcePort, destinationPort, tlvs);
    }

    /**
     * The fast path for the common case: a complete PROXY header over IPv4 or IPv6 in one byte array. It makes
     * every check {@link #feed} and {@link #header} make, but reports nothing: anything it does not accept at
     * once (an incomplete, LOCAL, UNSPEC, UNIX or invalid header) gives {@code null}, and the caller then runs
     * the incremental parser, which gives the precise reason. So it can only be faster, never more lenient.
     *
     * @param b the bytes; header byte {@code i} is {@code b[from + i]}
     * @param from where the header starts
     * @param to the end of the available bytes
     * @return the header, or null
     */
    static ProxyHeader parseComplete(byte[] b, int from, int to, int maxLength, int maxTlv) {
        if (to - from < FIXED_LENGTH || !Bytes.startsWithV2Signature(b, from) || b[from + 12] != 0x21) {
            return null;
        }
        int familyByte = b[from + 13];
        int ipLength;
        AddressFamily family;
        if ((familyByte & 0xF0) == 0x10) {
            ipLength = 4;
            family = AddressFamily.INET;
        } else if ((familyByte & 0xF0) == 0x20) {
            ipLength = 16;
            family = AddressFamily.INET6;
        } else {
            return null;
        }
        TransportProtocol transport;
        if ((familyByte & 0x0F) == 1) {
            transport = TransportProtocol.STREAM;
        } else if ((familyByte & 0x0F) == 2) {
            transport = TransportProtocol.DGRAM;
        } else {
            return null;
        }
        int length = (b[from + 14] & 0xFF) << 8 | (b[from + 15] & 0xFF);
        int total = FIXED_LENGTH + length;
        int tlvStart = FIXED_LENGTH + 2 * ipLength + 4;
        if (length > maxLength || total < tlvStart || to - from < total) {
            return null;
        }
        int crcAt = -1;
        int cursor = tlvStart;
        while (cursor < total) {
            if (total - cursor < TlvSection.HEAD) {
                return null;
            }
            int type = b[from + cursor] & 0xFF;
            int len = (b[from + cursor + 1] & 0xFF) << 8 | (b[from + cursor + 2] & 0xFF);
            int valueAt = cursor + TlvSection.HEAD;
            if (valueAt + len > total || len > maxTlv) {
                return null;
            }
            switch (type) {
                case TlvType.CRC32C:
                    if (len != 4 || crcAt >= 0) {
                        return null; // a second CRC32C TLV is rare enough for the slow path
                    }
                    crcAt = valueAt;
                    break;
                case TlvType.UNIQUE_ID:
                    if (len > UNIQUE_ID_MAX) {
                        return null;
                    }
                    break;
                case TlvType.AUTHORITY:
                    if (len > AUTHORITY_MAX) {
                        return null;
                    }
                    break;
                case TlvType.SSL:
                    if (!SslInfo.isWellFormed(b, from + valueAt, from + valueAt + len)) {
                        return null;
                    }
                    break;
                default:
                    break;
            }
            cursor = valueAt + len;
        }
        if (crcAt >= 0 && !crcMatches(b, from, total, crcAt)) {
            return null;
        }
        int a = from + FIXED_LENGTH;
        byte[] ips = java.util.Arrays.copyOfRange(b, a, a + 2 * ipLength);
        int ports = a + 2 * ipLength;
        int sourcePort = (b[ports] & 0xFF) << 8 | (b[ports + 1] & 0xFF);
        int destinationPort = (b[ports + 2] & 0xFF) << 8 | (b[ports + 3] & 0xFF);
        byte[] tlvs = tlvStart < total ? java.util.Arrays.copyOfRange(b, from + tlvStart, from + total) : null;
        return ProxyHeader.ofIp(2, Command.PROXY, family, transport, total, ips, sourcePort, destinationPort, tlvs);
    }

    /** Whether the CRC32C value at header offset {@code crcAt} matches the header, its own 4 bytes taken as zero. */
    private static boolean crcMatches(byte[] b, int from, int total, int crcAt) {
        int at = from + crcAt;
        long expected = ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8)
                | (b[at + 3] & 0xFF);
        CRC32C crc = new CRC32C();
        crc.update(b, from, crcAt);
        crc.update(Bytes.FOUR_ZEROS, 0, 4);
        crc.update(b, at + 4, total - crcAt - 4);
        return crc.getValue() == expected;
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

    /** The path in a UNIX block that the decoder accepted. */
    static String unixPath(byte[] block, int at) {
        try {
            return unixPath(ByteBuffer.wrap(block), at);
        } catch (ProxyProtocolException e) {
            throw new IllegalStateException("the decoder accepted a bad UNIX path", e);
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

package io.github.proxyproto4j.core;

/**
 * The v1 text line, parsed one byte at a time as it arrives:
 * {@code "PROXY" SP (TCP4|TCP6|UNKNOWN) SP src SP dst SP sport SP dport CRLF}, at most 107 bytes.
 *
 * <p>Every byte is checked when it arrives, so a bad line fails at its first impossible byte, and the
 * reason depends only on the bytes, never on how they were split into reads. Fields are validated as they
 * end, in wire order. The line's bytes stay in the caller's buffer; only offsets are kept here.
 */
final class V1Parser {
    /** The longest legal line, CRLF included (the spec's worst case, an UNKNOWN line with two IPv6 addresses). */
    static final int MAX_LENGTH = 107;

    static final byte[] PREFIX = {'P', 'R', 'O', 'X', 'Y', ' '};

    private static final int PREFIX_STATE = 0;
    private static final int PROTOCOL = 1;
    private static final int UNKNOWN_TAIL = 2;
    private static final int SOURCE = 3;
    private static final int DESTINATION = 4;
    private static final int SOURCE_PORT = 5;
    private static final int DESTINATION_PORT = 6;
    private static final int LINE_FEED = 7;

    private static final byte[] TCP4 = {'T', 'C', 'P', '4'};
    private static final byte[] TCP6 = {'T', 'C', 'P', '6'};
    private static final byte[] UNKNOWN = {'U', 'N', 'K', 'N', 'O', 'W', 'N'};
    private static final int MAX_IPV4_TEXT = 15;  // 255.255.255.255
    private static final int MAX_IPV6_TEXT = 45;  // ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255

    private int state;
    private int fieldStart;
    private boolean maybeTcp4;
    private boolean maybeTcp6;
    private boolean maybeUnknown;
    private boolean ipv6;
    private boolean unknown;
    private boolean previousWasCr;
    private byte[] ips;
    private int port;
    private int sourcePort;
    private int destinationPort;

    V1Parser() {
        reset();
    }

    void reset() {
        state = PREFIX_STATE;
        fieldStart = 0;
        maybeTcp4 = true;
        maybeTcp6 = true;
        maybeUnknown = true;
        ipv6 = false;
        unknown = false;
        previousWasCr = false;
        ips = null;
        port = 0;
        sourcePort = 0;
        destinationPort = 0;
    }

    /**
     * Feeds line bytes {@code from} to {@code to} (exclusive); line byte {@code i} is {@code b[base + i]}
     * and earlier line bytes must still be there. A byte array, not a buffer: this loop is the hot path.
     *
     * @return the line's length once its CRLF has been consumed, else -1
     */
    int feed(byte[] b, int base, int from, int to) throws ProxyProtocolException {
        int limit = Math.min(to, MAX_LENGTH);
        if (from == 0 && limit >= 11 && Bytes.startsWithProxyTc(b, base) && b[base + 8] == 'P'
                && (b[base + 9] == '4' || b[base + 9] == '6') && b[base + 10] == ' ') {
            // "PROXY TCP4 " or "PROXY TCP6 ": straight to the state the loop below would reach after them.
            ipv6 = b[base + 9] == '6';
            state = SOURCE;
            fieldStart = 11;
            from = 11;
        }
        for (int i = from; i < limit; i++) {
            if (state == SOURCE || state == DESTINATION) {
                // Most of a line is addresses: skip plain address characters without the per-byte dispatch.
                // Whatever stops the skip (a space, a bad byte, a field too long) goes through step() below.
                int max = fieldStart + (ipv6 ? MAX_IPV6_TEXT : MAX_IPV4_TEXT);
                int end = Math.min(limit, max);
                while (i < end && isAddressChar(b[base + i], ipv6)) {
                    i++;
                }
                if (i == limit) {
                    break;
                }
            }
            if (step(b, base, i, b[base + i])) {
                return i + 1;
            }
        }
        if (to >= MAX_LENGTH) {
            throw new ProxyProtocolException(Reason.V1_TOO_LONG, "no CRLF within " + MAX_LENGTH + " bytes");
        }
        return -1;
    }

    /**
     * The fast path for the common case: a complete, valid {@code TCP4} or {@code TCP6} line in one byte array.
     * It accepts exactly what {@link #feed} accepts on those lines (the same literal and port rules, the same
     * length limits), but reports nothing: anything else (an incomplete, UNKNOWN or invalid line) gives
     * {@code null}, and the caller then runs the byte-by-byte parser, which gives the precise reason.
     *
     * @param b the bytes; line byte {@code i} is {@code b[from + i]}
     * @param from where the line starts
     * @param to the end of the available bytes
     * @return the header, or null
     */
    static ProxyHeader parseComplete(byte[] b, int from, int to) {
        int limit = Math.min(to, from + MAX_LENGTH);
        if (limit - from < 11 || !Bytes.startsWithProxyTc(b, from) || b[from + 8] != 'P' || b[from + 10] != ' ') {
            return null;
        }
        boolean ipv6;
        if (b[from + 9] == '4') {
            ipv6 = false;
        } else if (b[from + 9] == '6') {
            ipv6 = true;
        } else {
            return null;
        }
        int maxText = ipv6 ? MAX_IPV6_TEXT : MAX_IPV4_TEXT;
        int sourceStart = from + 11;
        int sourceEnd = indexOfSpace(b, sourceStart, Math.min(limit, sourceStart + maxText + 1));
        if (sourceEnd < 0) {
            return null;
        }
        int destinationStart = sourceEnd + 1;
        int destinationEnd = indexOfSpace(b, destinationStart, Math.min(limit, destinationStart + maxText + 1));
        if (destinationEnd < 0) {
            return null;
        }
        byte[] ips = new byte[ipv6 ? 32 : 8];
        boolean valid = ipv6
                ? IpLiterals.ipv6(b, sourceStart, sourceEnd, ips, 0)
                        && IpLiterals.ipv6(b, destinationStart, destinationEnd, ips, 16)
                : IpLiterals.ipv4(b, sourceStart, sourceEnd, ips, 0)
                        && IpLiterals.ipv4(b, destinationStart, destinationEnd, ips, 4);
        if (!valid) {
            return null;
        }
        int i = destinationEnd + 1;
        int sourcePort = 0;
        int digits = 0;
        for (; i < limit && b[i] >= '0' && b[i] <= '9'; i++, digits++) {
            sourcePort = sourcePort * 10 + (b[i] - '0');
        }
        if (digits == 0 || digits > 5 || sourcePort > 0xFFFF || (digits > 1 && b[i - digits] == '0')
                || i >= limit || b[i] != ' ') {
            return null;
        }
        int destinationPort = 0;
        digits = 0;
        for (i++; i < limit && b[i] >= '0' && b[i] <= '9'; i++, digits++) {
            destinationPort = destinationPort * 10 + (b[i] - '0');
        }
        if (digits == 0 || digits > 5 || destinationPort > 0xFFFF || (digits > 1 && b[i - digits] == '0')
                || i + 1 >= limit || b[i] != '\r' || b[i + 1] != '\n') {
            return null;
        }
        return ProxyHeader.ofIp(1, Command.PROXY, ipv6 ? AddressFamily.INET6 : AddressFamily.INET,
                TransportProtocol.STREAM, i + 2 - from, ips, sourcePort, destinationPort, null);
    }

    /** @return the index of the first space in {@code b[from, to)}, or -1 */
    private static int indexOfSpace(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    private static boolean isAddressChar(byte c, boolean ipv6) {
        return (c >= '0' && c <= '9') || c == '.' || (ipv6 && (c == ':' || (c >= 'a' && c <= 'f')
                || (c >= 'A' && c <= 'F')));
    }

    /** The longest valid TCP4 line, CRLF included: {@code PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535}. */
    static final int MAX_TCP4_LENGTH = 56;

    /** @return the longest the line can be, as far as its bytes so far tell: shorter once it is known to be TCP4 */
    int longestLine() {
        return state >= SOURCE && !ipv6 && !unknown ? MAX_TCP4_LENGTH : MAX_LENGTH;
    }

    /** @return the decoded line; only valid after {@link #feed} returned its length */
    ProxyHeader header(int length) {
        if (unknown) {
            return ProxyHeader.withoutAddresses(1, Command.PROXY, AddressFamily.UNSPEC, TransportProtocol.UNSPEC,
                    length, null);
        }
        return ProxyHeader.ofIp(1, Command.PROXY, ipv6 ? AddressFamily.INET6 : AddressFamily.INET,
                TransportProtocol.STREAM, length, ips, sourcePort, destinationPort, null);
    }

    private boolean step(byte[] b, int base, int i, byte c) throws ProxyProtocolException {
        switch (state) {
            case PREFIX_STATE:
                if (c != PREFIX[i]) {
                    throw fail(Reason.NOT_PROXY, "not a PROXY header", i);
                }
                if (i == PREFIX.length - 1) {
                    state = PROTOCOL;
                    fieldStart = i + 1;
                }
                return false;
            case PROTOCOL:
                protocol(i, c);
                return false;
            case UNKNOWN_TAIL:
                // Everything up to CRLF is ignored; a lone CR or LF does not end the line.
                if (c == '\n' && previousWasCr) {
                    return true;
                }
                previousWasCr = c == '\r';
                return false;
            case SOURCE:
            case DESTINATION:
                address(b, base, i, c);
                return false;
            case SOURCE_PORT:
            case DESTINATION_PORT:
                port(i, c);
                return false;
            case LINE_FEED:
                if (c != '\n') {
                    throw fail(Reason.BAD_V1_SYNTAX, "CR not followed by LF", i);
                }
                return true;
            default:
                throw new IllegalStateException("state " + state);
        }
    }

    private void protocol(int i, byte c) throws ProxyProtocolException {
        int j = i - fieldStart;
        if (c == ' ' || c == '\r') {
            if (j == 0) {
                throw fail(Reason.BAD_V1_SYNTAX, "empty protocol field", i);
            }
            if (j == TCP4.length && (maybeTcp4 || maybeTcp6)) {
                if (c == '\r') {
                    throw fail(Reason.BAD_V1_SYNTAX, "addresses and ports missing", i);
                }
                ipv6 = maybeTcp6;
                state = SOURCE;
                fieldStart = i + 1;
            } else if (j == UNKNOWN.length && maybeUnknown) {
                unknown = true;
                state = c == ' ' ? UNKNOWN_TAIL : LINE_FEED;
            } else {
                throw fail(Reason.BAD_FAMILY_TRANSPORT, "protocol is not TCP4, TCP6 or UNKNOWN", i);
            }
            return;
        }
        if (c == '\n') {
            throw fail(Reason.BAD_V1_SYNTAX, "lone LF", i);
        }
        maybeTcp4 &= j < TCP4.length && TCP4[j] == c;
        maybeTcp6 &= j < TCP6.length && TCP6[j] == c;
        maybeUnknown &= j < UNKNOWN.length && UNKNOWN[j] == c;
        if (!(maybeTcp4 || maybeTcp6 || maybeUnknown)) {
            throw fail(Reason.BAD_FAMILY_TRANSPORT, "protocol is not TCP4, TCP6 or UNKNOWN", i);
        }
    }

    private void address(byte[] b, int base, int i, byte c) throws ProxyProtocolException {
        if (c == ' ') {
            if (i == fieldStart) {
                throw fail(Reason.BAD_V1_SYNTAX, "empty address field", i);
            }
            boolean source = state == SOURCE;
            if (ips == null) {
                ips = new byte[ipv6 ? 32 : 8];
            }
            int offset = source ? 0 : ips.length / 2;
            boolean valid = ipv6
                    ? IpLiterals.ipv6(b, base + fieldStart, base + i, ips, offset)
                    : IpLiterals.ipv4(b, base + fieldStart, base + i, ips, offset);
            if (!valid) {
                throw fail(Reason.BAD_ADDRESS, (source ? "source" : "destination") + " is not an "
                        + (ipv6 ? "IPv6" : "IPv4") + " literal", fieldStart);
            }
            state = source ? DESTINATION : SOURCE_PORT;
            fieldStart = i + 1;
            return;
        }
        if (c == '\r' || c == '\n') {
            throw fail(Reason.BAD_V1_SYNTAX, "line ends before all fields", i);
        }
        boolean allowed = ipv6 ? isHex(c) || c == ':' || c == '.' : (c >= '0' && c <= '9') || c == '.';
        if (!allowed || i - fieldStart >= (ipv6 ? MAX_IPV6_TEXT : MAX_IPV4_TEXT)) {
            throw fail(Reason.BAD_ADDRESS, "invalid character or length in address", i);
        }
    }

    private void port(int i, byte c) throws ProxyProtocolException {
        boolean last = state == DESTINATION_PORT;
        if (c == (last ? '\r' : ' ')) {
            if (i == fieldStart) {
                throw fail(Reason.BAD_V1_SYNTAX, "empty port field", i);
            }
            if (last) {
                destinationPort = port;
                state = LINE_FEED;
            } else {
                sourcePort = port;
                state = DESTINATION_PORT;
                fieldStart = i + 1;
            }
            port = 0;
            return;
        }
        if (c == ' ' || c == '\r' || c == '\n') {
            throw fail(Reason.BAD_V1_SYNTAX, last ? "extra field or trailing space" : "line ends before all fields", i);
        }
        if (c < '0' || c > '9') {
            throw fail(Reason.BAD_PORT, "port is not decimal", i);
        }
        if (i > fieldStart && port == 0) {
            throw fail(Reason.BAD_PORT, "port has a leading zero", i);
        }
        port = port * 10 + (c - '0');
        if (port > 0xFFFF) {
            throw fail(Reason.BAD_PORT, "port above 65535", i);
        }
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static ProxyProtocolException fail(Reason reason, String what, int offset) {
        return new ProxyProtocolException(reason, "v1: " + what + " at byte " + offset);
    }
}

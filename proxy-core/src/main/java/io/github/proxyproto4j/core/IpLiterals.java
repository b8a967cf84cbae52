package io.github.proxyproto4j.core;

/**
 * Strict IPv4 and IPv6 text-to-bytes conversion, straight from the wire bytes: no strings, no DNS, no
 * allocation. {@code InetAddress.getByName} would resolve anything that is not a literal, and accepts
 * forms (leading zeros, zone ids) that the PROXY protocol does not.
 */
final class IpLiterals {
    /** Hex digit values by byte, -1 for anything else: one load instead of three range tests per digit. */
    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX[c] = (byte) (c - 'a' + 10);
            HEX[c - 'a' + 'A'] = (byte) (c - 'a' + 10);
        }
    }

    private IpLiterals() {
    }

    /**
     * Parses a dotted quad in {@code b[from, to)}: four decimal octets 0-255, no leading zeros.
     *
     * @return whether it was valid; the four bytes are written at {@code out[o]}
     */
    static boolean ipv4(byte[] b, int from, int to, byte[] out, int o) {
        int octets = 0;
        int value = 0;
        int digits = 0;
        for (int i = from; i < to; i++) {
            int c = b[i];
            if (c == '.') {
                if (digits == 0 || octets == 3) {
                    return false;
                }
                out[o + octets++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return false; // leading zero
                }
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        if (digits == 0 || octets != 3) {
            return false;
        }
        out[o + 3] = (byte) value;
        return true;
    }

    /**
     * Parses an RFC 4291 IPv6 literal in {@code b[from, to)}: 1-4 hex digits per group, at most one
     * {@code ::} standing for one or more zero groups, and an optional trailing dotted quad (so
     * {@code ::ffff:192.0.2.1}, which HAProxy sends for IPv4 clients on a dual-stack bind). No zone id.
     *
     * @return whether it was valid; the sixteen bytes are written at {@code out[o]}
     */
    static boolean ipv6(byte[] b, int from, int to, byte[] out, int o) {
        if (to - from < 2) {
            return false;
        }
        int groups = 0;
        int gap = -1; // index of the group where "::" stands
        int i = from;
        if (b[i] == ':') {
            if (b[i + 1] != ':') {
                return false;
            }
            gap = 0;
            i += 2;
        }
        while (i < to) {
            int start = i;
            int value = 0;
            int digits = 0;
            while (i < to && digits <= 4) {
                int h = hex(b[i]);
                if (h < 0) {
                    break;
                }
                value = value << 4 | h;
                digits++;
                i++;
            }
            if (digits == 0) {
                return false;
            }
            if (i < to && b[i] == '.') {
                if (groups > 6 || !ipv4(b, start, to, out, o + 2 * groups)) {
                    return false;
                }
                groups += 2;
                break;
            }
            if (digits > 4 || groups == 8) {
                return false;
            }
            out[o + 2 * groups] = (byte) (value >> 8);
            out[o + 2 * groups + 1] = (byte) value;
            groups++;
            if (i == to) {
                break;
            }
            if (b[i] != ':' || ++i == to) {
                return false; // a bad character, or a single trailing colon
            }
            if (b[i] == ':') {
                if (gap >= 0) {
                    return false; // a second "::"
                }
                gap = groups;
                i++;
            }
        }
        if (gap < 0) {
            return groups == 8;
        }
        if (groups > 7) {
            return false; // "::" must stand for at least one group
        }
        // The groups written after the gap move to the end, last first (at most 14 bytes: a loop beats a call).
        int shift = 2 * (8 - groups);
        for (int z = o + 2 * groups - 1; z >= o + 2 * gap; z--) {
            out[z + shift] = out[z];
        }
        for (int z = o + 2 * gap; z < o + 2 * gap + shift; z++) {
            out[z] = 0;
        }
        return true;
    }

    private static int hex(byte c) {
        return HEX[c & 0xFF];
    }

    /**
     * Formats 4 or 16 address bytes: a dotted quad, or RFC 5952 IPv6 text (lower case, the longest run of
     * two or more zero groups shortened to {@code ::}, the first such run on a tie).
     */
    static String format(byte[] ip, int off, int len) {
        StringBuilder sb = new StringBuilder(39);
        if (len == 4) {
            for (int i = 0; i < 4; i++) {
                if (i > 0) {
                    sb.append('.');
                }
                sb.append(ip[off + i] & 0xFF);
            }
            return sb.toString();
        }
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = (ip[off + 2 * g] & 0xFF) << 8 | (ip[off + 2 * g + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && groups[g] == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[g]));
        }
        return sb.toString();
    }

    /** @return whether the 16 bytes at {@code b[off]} are an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) */
    static boolean isIpv4Mapped(byte[] b, int off) {
        for (int i = 0; i < 10; i++) {
            if (b[off + i] != 0) {
                return false;
            }
        }
        return b[off + 10] == (byte) 0xFF && b[off + 11] == (byte) 0xFF;
    }
}

package io.github.proxyproto4j.core;

import java.util.Arrays;

/** Reading an already validated run of TLVs ({@code type, length(2), value}) held in a byte array. */
final class TlvSection {
    static final int HEAD = 3;

    private TlvSection() {
    }

    static int valueLength(byte[] b, int off) {
        return ((b[off + 1] & 0xFF) << 8) | (b[off + 2] & 0xFF);
    }

    /** @return the offset of the first TLV of {@code type}, or -1 */
    static int find(byte[] b, int type) {
        int off = 0;
        while (off < b.length) {
            if ((b[off] & 0xFF) == type) {
                return off;
            }
            off += HEAD + valueLength(b, off);
        }
        return -1;
    }

    static Tlv[] split(byte[] b, int from, int to) {
        int count = 0;
        for (int off = from; off < to; off += HEAD + valueLength(b, off)) {
            count++;
        }
        Tlv[] tlvs = new Tlv[count];
        int i = 0;
        for (int off = from; off < to; off += HEAD + valueLength(b, off)) {
            int len = valueLength(b, off);
            tlvs[i++] = Tlv.wrap(b[off] & 0xFF, Arrays.copyOfRange(b, off + HEAD, off + HEAD + len));
        }
        return tlvs;
    }
}

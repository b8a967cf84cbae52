package io.github.proxyproto4j.core;

import java.util.OptionalLong;

/** Azure Private Link's custom TLV 0xEE: subtype 0x01, then the 4-byte LINKID, little-endian (5 bytes in all). */
final class AzureTlv {
    static final int SUBTYPE_LINK_ID = 0x01;

    private AzureTlv() {
    }

    /** @return the LINKID as an unsigned value, or empty when the TLV is not exactly that shape */
    static OptionalLong privateLinkId(Tlv tlv) {
        byte[] v = tlv.rawValue();
        if (v.length != 5 || (v[0] & 0xFF) != SUBTYPE_LINK_ID) {
            return OptionalLong.empty();
        }
        long id = (v[1] & 0xFFL) | (v[2] & 0xFFL) << 8 | (v[3] & 0xFFL) << 16 | (v[4] & 0xFFL) << 24;
        return OptionalLong.of(id);
    }
}

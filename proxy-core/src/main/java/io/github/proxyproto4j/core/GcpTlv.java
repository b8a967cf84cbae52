package io.github.proxyproto4j.core;

import java.util.OptionalLong;

/** Google Cloud Private Service Connect's custom TLV 0xE0: an 8-byte connection id, big-endian, no subtype. */
final class GcpTlv {
    private GcpTlv() {
    }

    /** @return the id (an unsigned 64-bit value held in a long), or empty when the value is not 8 bytes */
    static OptionalLong pscConnectionId(Tlv tlv) {
        byte[] v = tlv.rawValue();
        if (v.length != 8) {
            return OptionalLong.empty();
        }
        long id = 0;
        for (byte b : v) {
            id = id << 8 | (b & 0xFF);
        }
        return OptionalLong.of(id);
    }
}

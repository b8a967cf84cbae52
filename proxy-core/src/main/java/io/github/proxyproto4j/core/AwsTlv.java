package io.github.proxyproto4j.core;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** AWS's custom TLV 0xEA: a subtype byte, then its value. Subtype 0x01 is the VPC endpoint id. */
final class AwsTlv {
    static final int SUBTYPE_VPCE_ID = 0x01;

    private AwsTlv() {
    }

    /** @return the {@code vpce-…} id, or empty when the TLV has another subtype */
    static Optional<String> vpcEndpointId(Tlv tlv) {
        byte[] v = tlv.rawValue();
        if (v.length < 1 || (v[0] & 0xFF) != SUBTYPE_VPCE_ID) {
            return Optional.empty();
        }
        return Optional.of(new String(v, 1, v.length - 1, StandardCharsets.US_ASCII));
    }
}

package io.github.proxyproto4j.core;

import java.util.Arrays;
import java.util.HexFormat;

/** One type-length-value field of a v2 header (or of its SSL TLV), immutable. */
public final class Tlv {
    private static final HexFormat HEX = HexFormat.of();

    private final int type;
    private final byte[] value;

    private Tlv(int type, byte[] value) {
        this.type = type;
        this.value = value;
    }

    /**
     * Creates a TLV holding a copy of {@code value}.
     *
     * @param type the type, 0 to 255 (see {@link TlvType})
     * @param value the value, at most 65535 bytes
     * @return the TLV
     * @throws IllegalArgumentException if the type or length does not fit the wire format
     */
    public static Tlv of(int type, byte[] value) {
        if (type < 0 || type > 0xFF) {
            throw new IllegalArgumentException("TLV type must be 0..255: " + type);
        }
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("TLV value must be at most 65535 bytes: " + value.length);
        }
        return new Tlv(type, value.clone());
    }

    /** Wraps a slice the decoder already copied out of the wire; no second copy. */
    static Tlv wrap(int type, byte[] value) {
        return new Tlv(type, value);
    }

    /** @return the type, 0 to 255 */
    public int type() {
        return type;
    }

    /** @return a copy of the value */
    public byte[] value() {
        return value.clone();
    }

    /** @return the value's length in bytes */
    public int length() {
        return value.length;
    }

    /** The value without a copy, for the typed accessors in this package. */
    byte[] rawValue() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlv other && type == other.type && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        String hex = value.length <= 64 ? HEX.formatHex(value) : HEX.formatHex(value, 0, 64) + "…";
        return String.format("0x%02X:%s", type, hex);
    }
}

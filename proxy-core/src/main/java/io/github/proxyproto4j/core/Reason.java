package io.github.proxyproto4j.core;

/**
 * Why a connection's PROXY header was refused: precise enough to tag a metric or open a ticket with.
 *
 * <p>Parse reasons are reported for the first byte, in wire order, at which the input can no longer
 * become a valid header, so the same bytes give the same reason however they are split into reads.
 */
public enum Reason {
    /** Nothing was refused. Listeners receive it with accepted, local, ignored and direct outcomes. */
    NONE,
    /** The first bytes match neither the v1 {@code "PROXY "} nor the v2 12-byte signature. */
    NOT_PROXY,
    /**
     * v1 structure: an empty field (two spaces in a row), a missing or extra field, a trailing space, a
     * lone CR or LF, or a CR not followed by LF.
     */
    BAD_V1_SYNTAX,
    /** v1: 107 bytes arrived without the line ending in CRLF. */
    V1_TOO_LONG,
    /** v1: an address that is not a literal of the line's family (TCP4 dotted quad, TCP6 IPv6); v2: a bad UNIX path. */
    BAD_ADDRESS,
    /** v1: a port that is not 0 to 65535 in decimal without leading zeros. */
    BAD_PORT,
    /** v2: the version nibble of byte 13 is not 2. */
    BAD_VERSION,
    /** v2: the command nibble of byte 13 is neither 0 (LOCAL) nor 1 (PROXY). */
    BAD_COMMAND,
    /** v1: the protocol is not TCP4, TCP6 or UNKNOWN; v2: byte 14 is not one of 00 11 12 21 22 31 32. */
    BAD_FAMILY_TRANSPORT,
    /** v2: a PROXY command whose length does not cover the address block of its family. */
    LENGTH_TOO_SHORT,
    /** v2: a TLV (its 3-byte head or its value) runs past the end of the header. */
    TLV_OVERRUN,
    /** v2: a TLV value is longer than the configured single-TLV limit. */
    TLV_TOO_LARGE,
    /** v2: the length field exceeds the configured maximum header size. */
    HEADER_TOO_LARGE,
    /** v2: the CRC32C TLV does not match the header's checksum. */
    CRC_MISMATCH,
    /**
     * v2: a spec-defined TLV with an impossible value: CRC32C not 4 bytes, UNIQUE_ID over 128 bytes, or
     * AUTHORITY over 255 bytes (HAProxy's limits).
     */
    BAD_TLV,
    /** v2: an SSL TLV shorter than its 5-byte fixed part, or whose sub-TLVs do not fill it exactly. */
    BAD_SSL_TLV,
    /** Policy: the peer closed the connection before a complete header had arrived. */
    NO_HEADER,
    /** Policy: the peer is not a trusted proxy. */
    UNTRUSTED_PEER,
    /** Policy: the header was not complete within the header timeout, counted from accept. */
    HEADER_TIMEOUT,
    /** Policy: too many connections were already waiting for their header. */
    TOO_MANY_PENDING
}

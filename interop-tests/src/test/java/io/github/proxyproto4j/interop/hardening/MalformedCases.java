package io.github.proxyproto4j.interop.hardening;

import static io.github.proxyproto4j.interop.hardening.MalformedCase.header;
import static io.github.proxyproto4j.interop.hardening.MalformedCase.raw;
import static io.github.proxyproto4j.interop.hardening.MalformedCase.truncated;
import static io.github.proxyproto4j.interop.hardening.Wire.LOCAL;
import static io.github.proxyproto4j.interop.hardening.Wire.PROXY;
import static io.github.proxyproto4j.interop.hardening.Wire.REQUEST;
import static io.github.proxyproto4j.interop.hardening.Wire.SIGNATURE;
import static io.github.proxyproto4j.interop.hardening.Wire.TCP4;
import static io.github.proxyproto4j.interop.hardening.Wire.TCP6;
import static io.github.proxyproto4j.interop.hardening.Wire.UNIX_STREAM;
import static io.github.proxyproto4j.interop.hardening.Wire.UNSPEC;
import static io.github.proxyproto4j.interop.hardening.Wire.ascii;
import static io.github.proxyproto4j.interop.hardening.Wire.bytes;
import static io.github.proxyproto4j.interop.hardening.Wire.concat;
import static io.github.proxyproto4j.interop.hardening.Wire.inet;
import static io.github.proxyproto4j.interop.hardening.Wire.inet6;
import static io.github.proxyproto4j.interop.hardening.Wire.repeat;
import static io.github.proxyproto4j.interop.hardening.Wire.tlv;
import static io.github.proxyproto4j.interop.hardening.Wire.unix;
import static io.github.proxyproto4j.interop.hardening.Wire.v2;

import io.github.proxyproto4j.core.Reason;
import java.util.Arrays;
import java.util.List;

/**
 * The malformed-input table: every rule of /work/shared/design/proxy-protocol-notes.md that bytes can break, and
 * every {@link Reason} that a header's bytes can produce. {@link MalformedCasesOracleTest} checks each row against
 * the core decoder, so a wrong row fails before any receiver sees it.
 */
final class MalformedCases {
    /** The receivers' {@code max-header-size}: the default. */
    static final int MAX_HEADER_SIZE = 1024;
    /**
     * The receivers' {@code max-tlv-size}, below the default 1024: with the default, no TLV can exceed the limit
     * inside a header that fits in 1024 bytes, so TLV_TOO_LARGE would be unreachable.
     */
    static final int MAX_TLV_SIZE = 256;

    private static final String DETECT = "detection: a v1 header starts with \"PROXY \", a v2 header with the "
            + "12-byte signature; fail at the first byte that cannot continue either";
    private static final String REQUIRED = "mode required: every connection must carry a header (no guessing)";
    private static final String V1_FIELDS = "v1: PROXY SP proto SP src SP dst SP sport SP dport CRLF, exactly one "
            + "space between fields";
    private static final String V1_CRLF = "v1: the line ends in CRLF; a lone CR or LF does not end it";
    private static final String V1_LENGTH = "v1: at most 107 bytes including CRLF, enforced as bytes arrive "
            + "(CVE-2021-23351)";
    private static final String V1_PROTO = "v1: the protocol is TCP4, TCP6 or UNKNOWN";
    private static final String V1_TCP4 = "v1: TCP4 carries a dotted quad, no leading zeros, octets 0-255";
    private static final String V1_TCP6 = "v1: TCP6 carries an IPv6 literal of exactly 128 bits, at most one ::";
    private static final String V1_FAMILY = "v1: the family dictates the address format";
    private static final String NO_DNS = "never resolve a name: addresses are literals";
    private static final String V1_PORT = "v1: ports are 0-65535 in decimal without leading zeros";
    private static final String V2_VERSION = "v2: the high nibble of byte 13 must be 2";
    private static final String V2_COMMAND = "v2: the low nibble of byte 13 is 0 LOCAL or 1 PROXY; anything else "
            + "means drop (Jetty treats 2-15 as PROXY)";
    private static final String V2_FAMILY = "v2: byte 14 is one of 00 11 12 21 22 31 32";
    private static final String V2_BLOCK = "v2: len must cover the address block: 12 INET, 36 INET6, 216 UNIX";
    private static final String V2_UNIX = "v2: UNIX addresses are NUL-padded paths";
    private static final String TLV_INSIDE = "v2: TLVs lie wholly inside the header and end exactly at its end "
            + "(HAProxy BUG/MAJOR; Jetty lets a TLV overrun into the payload)";
    private static final String LOCAL_TLVS = "v2: LOCAL ignores addresses but its TLVs are parsed anyway";
    private static final String TLV_CAP = "v2: cap a single TLV value (max-tlv-size)";
    private static final String HEADER_CAP = "v2: the total header is capped (max-header-size, 1024 by default)";
    private static final String CRC = "v2: CRC32C is 4 bytes big-endian over the whole header with those bytes "
            + "zeroed; a mismatch makes the connection invalid";
    private static final String TLV_LIMITS = "v2: spec-defined TLVs have bounded sizes (CRC32C 4, UNIQUE_ID <= 128, "
            + "AUTHORITY <= 255)";
    private static final String SSL = "v2: the SSL TLV is client(1) verify(4) then sub-TLVs parsed flat, filling "
            + "it exactly";
    private static final String COMPLETE = "do not act on a connection before a complete, valid header has arrived";

    private MalformedCases() {
    }

    private static final String V1_OK_TAIL = " 192.0.2.1 198.51.100.1 40000 443\r\n";

    private static byte[] v1(String line) {
        return ascii(line);
    }

    /** Every case, in a fixed order. */
    static final List<MalformedCase> ALL = List.of(
            // --- no header at all, or not a PROXY signature
            raw("plain HTTP request", REQUIRED, Reason.NOT_PROXY, REQUEST),
            raw("POST request (P, then not R)", DETECT + "; P also starts POST", Reason.NOT_PROXY,
                    ascii("POST /hardening HTTP/1.1\r\nHost: receiver\r\nContent-Length: 0\r\n\r\n")),
            raw("PUT request", DETECT + "; P also starts PUT", Reason.NOT_PROXY,
                    ascii("PUT /hardening HTTP/1.1\r\nHost: receiver\r\nContent-Length: 0\r\n\r\n")),
            raw("PATCH request", DETECT + "; P also starts PATCH", Reason.NOT_PROXY,
                    ascii("PATCH /hardening HTTP/1.1\r\nHost: receiver\r\nContent-Length: 0\r\n\r\n")),
            raw("h2c preface (PRI *)", DETECT + "; PR also starts the h2c preface", Reason.NOT_PROXY,
                    ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")),
            raw("stray CRLF before a request", DETECT + "; 0x0D also starts a stray CRLF", Reason.NOT_PROXY,
                    concat(ascii("\r\n"), REQUEST)),
            raw("TLS ClientHello without a header", REQUIRED, Reason.NOT_PROXY,
                    bytes(0x16, 0x03, 0x01, 0x00, 0x2F, 0x01, 0x00, 0x00, 0x2B, 0x03, 0x03)),
            header("lower-case proxy", DETECT, Reason.NOT_PROXY, v1("proxy TCP4" + V1_OK_TAIL)),
            header("leading space before PROXY", DETECT, Reason.NOT_PROXY, v1(" PROXY TCP4" + V1_OK_TAIL)),
            header("PROXY followed by a tab", DETECT, Reason.NOT_PROXY, v1("PROXY\tTCP4" + V1_OK_TAIL)),
            header("v2 signature with its last byte wrong", DETECT, Reason.NOT_PROXY,
                    concat(Arrays.copyOf(SIGNATURE, 11), bytes(0x0B, PROXY, TCP4, 0, 12), inet())),
            header("v2 signature cut after 11 bytes", DETECT, Reason.NOT_PROXY, Arrays.copyOf(SIGNATURE, 11)),
            // --- v1 structure
            header("empty protocol field (two spaces after PROXY)", V1_FIELDS, Reason.BAD_V1_SYNTAX,
                    v1("PROXY  TCP4" + V1_OK_TAIL)),
            header("two spaces between the addresses", V1_FIELDS, Reason.BAD_V1_SYNTAX,
                    v1("PROXY TCP4 192.0.2.1  198.51.100.1 40000 443\r\n")),
            header("empty source port field", V1_FIELDS, Reason.BAD_V1_SYNTAX,
                    v1("PROXY TCP4 192.0.2.1 198.51.100.1  443\r\n")),
            header("trailing space after the destination port", V1_FIELDS, Reason.BAD_V1_SYNTAX,
                    v1("PROXY TCP4 192.0.2.1 198.51.100.1 40000 443 \r\n")),
            header("extra field after the destination port", V1_FIELDS, Reason.BAD_V1_SYNTAX,
                    v1("PROXY TCP4 192.0.2.1 198.51.100.1 40000 443 80\r\n")),
            header("destination port missing", V1_FIELDS, Reason.BAD_V1_SYNTAX,
                    v1("PROXY TCP4 192.0.2.1 198.51.100.1 40000\r\n")),
            header("addresses and ports missing", V1_FIELDS, Reason.BAD_V1_SYNTAX, v1("PROXY TCP4\r\n")),
            header("line ends inside the source address", V1_FIELDS, Reason.BAD_V1_SYNTAX,
                    v1("PROXY TCP4 192.0.2.1\r\n")),
            header("lone LF ends the line", V1_CRLF, Reason.BAD_V1_SYNTAX,
                    v1("PROXY TCP4 192.0.2.1 198.51.100.1 40000 443\n")),
            header("CR not followed by LF", V1_CRLF, Reason.BAD_V1_SYNTAX,
                    v1("PROXY TCP4 192.0.2.1 198.51.100.1 40000 443\rX\n")),
            header("UNKNOWN then CR and no LF", V1_CRLF, Reason.BAD_V1_SYNTAX, v1("PROXY UNKNOWN\r\r\n")),
            // --- v1 length
            header("107 bytes of UNKNOWN line without CRLF", V1_LENGTH, Reason.V1_TOO_LONG,
                    concat(ascii("PROXY UNKNOWN "), repeat('x', 107 - 14))),
            header("UNKNOWN line of 108 bytes with its CRLF", V1_LENGTH, Reason.V1_TOO_LONG,
                    concat(ascii("PROXY UNKNOWN "), repeat('x', 108 - 16), ascii("\r\n"))),
            header("lone CRs and LFs do not end an UNKNOWN line", V1_CRLF + "; " + V1_LENGTH, Reason.V1_TOO_LONG,
                    concat(ascii("PROXY UNKNOWN "), ascii("a\rb\nc\n\rd".repeat(12)), ascii("\r\n"))),
            // --- v1 protocol
            header("protocol TCP5", V1_PROTO, Reason.BAD_FAMILY_TRANSPORT, v1("PROXY TCP5" + V1_OK_TAIL)),
            header("protocol UDP4", V1_PROTO, Reason.BAD_FAMILY_TRANSPORT, v1("PROXY UDP4" + V1_OK_TAIL)),
            header("protocol in lower case (tcp4)", V1_PROTO, Reason.BAD_FAMILY_TRANSPORT,
                    v1("PROXY tcp4" + V1_OK_TAIL)),
            header("protocol TCP (three letters)", V1_PROTO, Reason.BAD_FAMILY_TRANSPORT,
                    v1("PROXY TCP" + V1_OK_TAIL)),
            header("tab after the protocol", V1_FIELDS, Reason.BAD_FAMILY_TRANSPORT,
                    v1("PROXY TCP4\t192.0.2.1 198.51.100.1 40000 443\r\n")),
            // --- v1 addresses
            header("IPv4 octet with a leading zero", V1_TCP4, Reason.BAD_ADDRESS,
                    v1("PROXY TCP4 192.0.2.01 198.51.100.1 40000 443\r\n")),
            header("IPv4 octet 256", V1_TCP4, Reason.BAD_ADDRESS,
                    v1("PROXY TCP4 192.0.2.256 198.51.100.1 40000 443\r\n")),
            header("IPv4 with three octets", V1_TCP4, Reason.BAD_ADDRESS,
                    v1("PROXY TCP4 192.0.2 198.51.100.1 40000 443\r\n")),
            header("IPv4 destination octet 300", V1_TCP4, Reason.BAD_ADDRESS,
                    v1("PROXY TCP4 192.0.2.1 198.51.100.300 40000 443\r\n")),
            header("host name instead of an address", NO_DNS, Reason.BAD_ADDRESS,
                    v1("PROXY TCP4 localhost 198.51.100.1 40000 443\r\n")),
            header("IPv4 address in a TCP6 line", V1_FAMILY, Reason.BAD_ADDRESS,
                    v1("PROXY TCP6 192.0.2.1 2001:db8::2 40000 443\r\n")),
            header("IPv6 address in a TCP4 line", V1_FAMILY, Reason.BAD_ADDRESS,
                    v1("PROXY TCP4 2001:db8::1 198.51.100.1 40000 443\r\n")),
            header("IPv6 with two ::", V1_TCP6, Reason.BAD_ADDRESS,
                    v1("PROXY TCP6 2001::db8::1 2001:db8::2 40000 443\r\n")),
            header("IPv6 with nine groups", V1_TCP6, Reason.BAD_ADDRESS,
                    v1("PROXY TCP6 1:2:3:4:5:6:7:8:9 2001:db8::2 40000 443\r\n")),
            header("IPv6 with seven groups and no ::", V1_TCP6, Reason.BAD_ADDRESS,
                    v1("PROXY TCP6 1:2:3:4:5:6:7 2001:db8::2 40000 443\r\n")),
            header("IPv6 group of five digits", V1_TCP6, Reason.BAD_ADDRESS,
                    v1("PROXY TCP6 12345::1 2001:db8::2 40000 443\r\n")),
            header("IPv6 with a zone id", V1_TCP6 + "; " + NO_DNS, Reason.BAD_ADDRESS,
                    v1("PROXY TCP6 fe80::1%eth0 2001:db8::2 40000 443\r\n")),
            // --- v1 ports
            header("source port 65536", V1_PORT, Reason.BAD_PORT,
                    v1("PROXY TCP4 192.0.2.1 198.51.100.1 65536 443\r\n")),
            header("destination port 99999", V1_PORT, Reason.BAD_PORT,
                    v1("PROXY TCP4 192.0.2.1 198.51.100.1 40000 99999\r\n")),
            header("port with a leading zero", V1_PORT, Reason.BAD_PORT,
                    v1("PROXY TCP4 192.0.2.1 198.51.100.1 040000 443\r\n")),
            header("negative port", V1_PORT, Reason.BAD_PORT, v1("PROXY TCP4 192.0.2.1 198.51.100.1 -1 443\r\n")),
            header("hexadecimal port", V1_PORT, Reason.BAD_PORT, v1("PROXY TCP4 192.0.2.1 198.51.100.1 0x50 443\r\n")),
            header("port with a letter", V1_PORT, Reason.BAD_PORT, v1("PROXY TCP4 192.0.2.1 198.51.100.1 40000 44a\r\n")),
            // --- v2 version and command
            header("v2 version nibble 1", V2_VERSION, Reason.BAD_VERSION, v2(0x11, TCP4, inet())),
            header("v2 version nibble 0", V2_VERSION, Reason.BAD_VERSION, v2(0x01, TCP4, inet())),
            header("v2 version nibble 3", V2_VERSION, Reason.BAD_VERSION, v2(0x31, TCP4, inet())),
            header("v2 version nibble 15", V2_VERSION, Reason.BAD_VERSION, v2(0xF1, TCP4, inet())),
            header("v2 command 2", V2_COMMAND, Reason.BAD_COMMAND, v2(0x22, TCP4, inet())),
            header("v2 command 15", V2_COMMAND, Reason.BAD_COMMAND, v2(0x2F, TCP4, inet())),
            // --- v2 family and transport
            header("v2 INET with transport 3", V2_FAMILY, Reason.BAD_FAMILY_TRANSPORT, v2(PROXY, 0x13, inet())),
            header("v2 INET with transport UNSPEC (0x10)", V2_FAMILY, Reason.BAD_FAMILY_TRANSPORT,
                    v2(PROXY, 0x10, inet())),
            header("v2 family 4", V2_FAMILY, Reason.BAD_FAMILY_TRANSPORT, v2(PROXY, 0x41, inet())),
            header("v2 UNSPEC family with STREAM (0x01)", V2_FAMILY, Reason.BAD_FAMILY_TRANSPORT,
                    v2(PROXY, 0x01, inet())),
            header("v2 byte 14 0xFF", V2_FAMILY, Reason.BAD_FAMILY_TRANSPORT, v2(LOCAL, 0xFF, inet())),
            // --- v2 length against the address block
            header("v2 INET with length 11", V2_BLOCK, Reason.LENGTH_TOO_SHORT,
                    v2(PROXY, TCP4, Arrays.copyOf(inet(), 11))),
            header("v2 INET with length 0", V2_BLOCK, Reason.LENGTH_TOO_SHORT, v2(PROXY, TCP4, new byte[0])),
            header("v2 INET6 with length 35", V2_BLOCK, Reason.LENGTH_TOO_SHORT,
                    v2(PROXY, TCP6, Arrays.copyOf(inet6(), 35))),
            header("v2 INET6 with an INET block (length 12)", V2_BLOCK, Reason.LENGTH_TOO_SHORT,
                    v2(PROXY, TCP6, inet())),
            header("v2 UNIX with length 215", V2_BLOCK, Reason.LENGTH_TOO_SHORT,
                    v2(PROXY, UNIX_STREAM, new byte[215])),
            header("v2 UNIX source path not UTF-8", V2_UNIX, Reason.BAD_ADDRESS,
                    v2(PROXY, UNIX_STREAM, unix(bytes(0x2F, 0xFF, 0xFE, 0x61), ascii("/run/app.sock")))),
            // --- v2 TLVs inside the header
            header("TLV value runs past the header", TLV_INSIDE, Reason.TLV_OVERRUN,
                    v2(PROXY, TCP4, inet(), tlv(0x04, 10, new byte[5]))),
            header("truncated TLV head (2 bytes left)", TLV_INSIDE, Reason.TLV_OVERRUN,
                    v2(PROXY, TCP4, inet(), bytes(0x04, 0x00))),
            header("TLV overruns into the HTTP request", TLV_INSIDE, Reason.TLV_OVERRUN,
                    v2(PROXY, TCP4, inet(), tlv(0x05, REQUEST.length, new byte[0]))),
            header("second TLV overruns after a good one", TLV_INSIDE, Reason.TLV_OVERRUN,
                    v2(PROXY, TCP4, inet(), tlv(0x01, ascii("h2")), tlv(0x02, 200, ascii("app.example")))),
            header("INET6 header with a TLV overrun", TLV_INSIDE, Reason.TLV_OVERRUN,
                    v2(PROXY, TCP6, inet6(), tlv(0xE0, 9, new byte[8]))),
            header("LOCAL with a TLV overrun", LOCAL_TLVS, Reason.TLV_OVERRUN,
                    v2(LOCAL, UNSPEC, tlv(0x04, 10, new byte[2]))),
            // --- v2 size limits
            header("NOOP TLV of 257 bytes (limit 256)", TLV_CAP, Reason.TLV_TOO_LARGE,
                    v2(PROXY, TCP4, inet(), tlv(0x04, new byte[MAX_TLV_SIZE + 1]))),
            header("custom TLV 0xE0 of 600 bytes", TLV_CAP, Reason.TLV_TOO_LARGE,
                    v2(PROXY, TCP4, inet(), tlv(0xE0, new byte[600]))),
            header("LOCAL with a TLV of 300 bytes", LOCAL_TLVS + "; " + TLV_CAP, Reason.TLV_TOO_LARGE,
                    v2(LOCAL, UNSPEC, tlv(0x05, new byte[300]))),
            header("v2 length 1025", HEADER_CAP, Reason.HEADER_TOO_LARGE,
                    v2(PROXY, TCP4, MAX_HEADER_SIZE + 1, inet())),
            header("v2 length 65535", HEADER_CAP, Reason.HEADER_TOO_LARGE, v2(PROXY, TCP4, 0xFFFF, inet())),
            header("LOCAL with length 2000", HEADER_CAP + "; LOCAL skips len bytes, within the cap",
                    Reason.HEADER_TOO_LARGE, v2(LOCAL, UNSPEC, 2000, new byte[0])),
            // --- CRC32C
            header("CRC32C off by one bit", CRC, Reason.CRC_MISMATCH, Wire.withCrc((h, at, crc) -> {
                Wire.putInt(h, at, crc ^ 1);
                return h;
            })),
            header("CRC32C written little-endian", CRC, Reason.CRC_MISMATCH, Wire.withCrc((h, at, crc) -> {
                Wire.putInt(h, at, Integer.reverseBytes((int) crc) & 0xFFFFFFFFL);
                return h;
            })),
            header("source address changed after the CRC32C", CRC, Reason.CRC_MISMATCH,
                    Wire.withCrc((h, at, crc) -> {
                        Wire.putInt(h, at, crc);
                        h[19] = 2; // 192.0.2.1 becomes 192.0.2.2
                        return h;
                    }, tlv(0x01, ascii("h2")))),
            // --- spec-defined TLVs with impossible sizes
            header("CRC32C TLV of 3 bytes", TLV_LIMITS, Reason.BAD_TLV, v2(PROXY, TCP4, inet(), tlv(0x03, new byte[3]))),
            header("CRC32C TLV of 5 bytes", TLV_LIMITS, Reason.BAD_TLV, v2(PROXY, TCP4, inet(), tlv(0x03, new byte[5]))),
            header("UNIQUE_ID of 129 bytes", TLV_LIMITS, Reason.BAD_TLV,
                    v2(PROXY, TCP4, inet(), tlv(0x05, new byte[129]))),
            header("AUTHORITY of 256 bytes", TLV_LIMITS, Reason.BAD_TLV,
                    v2(PROXY, TCP4, inet(), tlv(0x02, repeat('a', 256)))),
            // --- the SSL TLV
            header("SSL TLV of 4 bytes", SSL, Reason.BAD_SSL_TLV, v2(PROXY, TCP4, inet(), tlv(0x20, new byte[4]))),
            header("SSL sub-TLV runs past the SSL value", SSL, Reason.BAD_SSL_TLV,
                    v2(PROXY, TCP4, inet(), tlv(0x20, concat(bytes(0x01, 0, 0, 0, 0), tlv(0x21, 10, ascii("TLSv1.3")))))),
            header("SSL value with 2 bytes after its sub-TLVs", SSL, Reason.BAD_SSL_TLV,
                    v2(PROXY, TCP4, inet(), tlv(0x20, concat(bytes(0x01, 0, 0, 0, 0), tlv(0x21, ascii("TLSv1.3")),
                            bytes(0x22, 0x00))))),
            header("nested SSL TLV whose inner sub-TLV overruns", SSL + " (never recurse: Netty CVE-2022-41881)",
                    Reason.BAD_SSL_TLV, v2(PROXY, TCP4, inet(), tlv(0x20, concat(bytes(0x01, 0, 0, 0, 0),
                            tlv(0x20, 8, bytes(0x01, 0, 0, 0, 0)))))),
            // --- the peer closes before the header is complete
            truncated("connection closed without a byte", COMPLETE, new byte[0]),
            truncated("v1 line cut after the source address", COMPLETE, ascii("PROXY TCP4 192.0.2.1 ")),
            truncated("PROX then FIN", COMPLETE, ascii("PROX")),
            truncated("v2 signature only", COMPLETE, SIGNATURE),
            truncated("v2 INET header cut inside the address block", COMPLETE,
                    Arrays.copyOf(v2(PROXY, TCP4, inet()), 16 + 6)),
            truncated("v2 header cut inside a TLV", COMPLETE,
                    Arrays.copyOf(v2(PROXY, TCP4, inet(), tlv(0x02, ascii("app.example"))), 16 + 12 + 5)));
}

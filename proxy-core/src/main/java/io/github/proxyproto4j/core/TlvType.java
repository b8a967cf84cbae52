package io.github.proxyproto4j.core;

/** The TLV type numbers of the PROXY protocol v2 specification and of the cloud vendors. */
public final class TlvType {
    /** Application-Layer Protocol Negotiation: the protocol the client chose, e.g. {@code h2}. */
    public static final int ALPN = 0x01;
    /** The host name the client asked for (SNI), UTF-8. */
    public static final int AUTHORITY = 0x02;
    /** CRC32C of the whole header, 4 bytes big-endian. */
    public static final int CRC32C = 0x03;
    /** Padding, to be ignored. */
    public static final int NOOP = 0x04;
    /** An opaque connection identifier of up to 128 bytes. */
    public static final int UNIQUE_ID = 0x05;
    /** TLS facts about the client connection; holds sub-TLVs. */
    public static final int SSL = 0x20;
    /** SSL sub-TLV: the TLS version, e.g. {@code TLSv1.3}. */
    public static final int SSL_VERSION = 0x21;
    /** SSL sub-TLV: the client certificate's common name. */
    public static final int SSL_CN = 0x22;
    /** SSL sub-TLV: the cipher suite. */
    public static final int SSL_CIPHER = 0x23;
    /** SSL sub-TLV: the client certificate's signature algorithm. */
    public static final int SSL_SIG_ALG = 0x24;
    /** SSL sub-TLV: the client certificate's key algorithm. */
    public static final int SSL_KEY_ALG = 0x25;
    /** SSL sub-TLV: the key exchange group. */
    public static final int SSL_GROUP = 0x26;
    /** SSL sub-TLV: the signature scheme of the handshake. */
    public static final int SSL_SIG_SCHEME = 0x27;
    /** SSL sub-TLV: the client certificate, raw DER. */
    public static final int SSL_CLIENT_CERT = 0x28;
    /** The network namespace name, US-ASCII. */
    public static final int NETNS = 0x30;
    /** First type of the custom (vendor) range. */
    public static final int MIN_CUSTOM = 0xE0;
    /** Last type of the custom (vendor) range. */
    public static final int MAX_CUSTOM = 0xEF;
    /** Google Cloud Private Service Connect: an 8-byte connection id, big-endian. */
    public static final int GCP = 0xE0;
    /** AWS (NLB, PrivateLink): a subtype byte, then its value. */
    public static final int AWS = 0xEA;
    /** Azure Private Link: a subtype byte, then its value. */
    public static final int AZURE = 0xEE;
    /** First type of the experimental range. */
    public static final int MIN_EXPERIMENTAL = 0xF0;
    /** Last type of the experimental range. */
    public static final int MAX_EXPERIMENTAL = 0xF7;

    private TlvType() {
    }
}

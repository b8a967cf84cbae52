package io.github.proxyproto4j.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The TLS facts a proxy reports in the v2 SSL TLV (type 0x20): client flags, verify result, sub-TLVs. */
public final class SslInfo {
    /** Client flag: the client connected over SSL/TLS. */
    public static final int CLIENT_SSL = 0x01;
    /** Client flag: the client presented a certificate on this connection. */
    public static final int CLIENT_CERT_CONN = 0x02;
    /** Client flag: the client presented a certificate at least once in this TLS session. */
    public static final int CLIENT_CERT_SESS = 0x04;

    /** Fixed part of the SSL value: one byte of client flags and a 4-byte verify result. */
    static final int FIXED_LENGTH = 5;

    private final int client;
    private final long verify;
    private final List<Tlv> subTlvs;

    private SslInfo(int client, long verify, List<Tlv> subTlvs) {
        this.client = client;
        this.verify = verify;
        this.subTlvs = subTlvs;
    }

    /**
     * Creates SSL facts, for encoders and tests.
     *
     * @param client the client flags byte
     * @param verify the verify result, an unsigned 32-bit value (0 means verified)
     * @param subTlvs the sub-TLVs in wire order
     * @return the SSL facts
     */
    public static SslInfo of(int client, long verify, List<Tlv> subTlvs) {
        if (client < 0 || client > 0xFF) {
            throw new IllegalArgumentException("client flags must be one byte: " + client);
        }
        if (verify < 0 || verify > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("verify must be an unsigned 32-bit value: " + verify);
        }
        return new SslInfo(client, verify, List.copyOf(subTlvs));
    }

    /**
     * Parses an SSL TLV value. The sub-TLVs are read flat: a nested SSL type is just another sub-TLV,
     * never parsed again (Netty's CVE-2022-41881 was a recursion here).
     *
     * @return the facts, or {@code null} if the value is malformed
     */
    static SslInfo parse(byte[] value) {
        if (!isWellFormed(value, 0, value.length)) {
            return null;
        }
        int client = value[0] & 0xFF;
        long verify = ((long) (value[1] & 0xFF) << 24) | ((value[2] & 0xFF) << 16)
                | ((value[3] & 0xFF) << 8) | (value[4] & 0xFF);
        List<Tlv> subs = new ArrayList<>(4);
        int off = FIXED_LENGTH;
        while (off < value.length) {
            int type = value[off] & 0xFF;
            int len = ((value[off + 1] & 0xFF) << 8) | (value[off + 2] & 0xFF);
            byte[] v = new byte[len];
            System.arraycopy(value, off + 3, v, 0, len);
            subs.add(Tlv.wrap(type, v));
            off += 3 + len;
        }
        return new SslInfo(client, verify, Collections.unmodifiableList(subs));
    }

    /** Whether {@code b[from, to)} (absolute indices) is a complete SSL value: the fixed part, then sub-TLVs filling it exactly. */
    static boolean isWellFormed(ByteBuffer b, int from, int to) {
        if (to - from < FIXED_LENGTH) {
            return false;
        }
        int off = from + FIXED_LENGTH;
        while (off < to) {
            if (to - off < 3) {
                return false;
            }
            int len = ((b.get(off + 1) & 0xFF) << 8) | (b.get(off + 2) & 0xFF);
            off += 3 + len;
            if (off > to) {
                return false;
            }
        }
        return true;
    }

    /** The same check as {@link #isWellFormed(ByteBuffer, int, int)} on a byte array, for the decoder's fast path. */
    static boolean isWellFormed(byte[] b, int from, int to) {
        if (to - from < FIXED_LENGTH) {
            return false;
        }
        int off = from + FIXED_LENGTH;
        while (off < to) {
            if (to - off < 3) {
                return false;
            }
            off += 3 + (((b[off + 1] & 0xFF) << 8) | (b[off + 2] & 0xFF));
            if (off > to) {
                return false;
            }
        }
        return true;
    }

    /** @return the SSL TLV value as on the wire: client flags, verify, then the sub-TLVs */
    byte[] toValue() {
        int length = FIXED_LENGTH;
        for (Tlv t : subTlvs) {
            length += 3 + t.length();
        }
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("the SSL TLV would exceed 65535 bytes");
        }
        byte[] v = new byte[length];
        v[0] = (byte) client;
        v[1] = (byte) (verify >> 24);
        v[2] = (byte) (verify >> 16);
        v[3] = (byte) (verify >> 8);
        v[4] = (byte) verify;
        int off = FIXED_LENGTH;
        for (Tlv t : subTlvs) {
            byte[] sv = t.rawValue();
            v[off] = (byte) t.type();
            v[off + 1] = (byte) (sv.length >> 8);
            v[off + 2] = (byte) sv.length;
            System.arraycopy(sv, 0, v, off + 3, sv.length);
            off += 3 + sv.length;
        }
        return v;
    }

    /** @return the client flags byte ({@link #CLIENT_SSL}, {@link #CLIENT_CERT_CONN}, {@link #CLIENT_CERT_SESS}) */
    public int client() {
        return client;
    }

    /** @return whether the client connected over SSL/TLS */
    public boolean clientSsl() {
        return (client & CLIENT_SSL) != 0;
    }

    /** @return whether the client presented a certificate on this connection */
    public boolean clientCertConnection() {
        return (client & CLIENT_CERT_CONN) != 0;
    }

    /** @return whether the client presented a certificate in this TLS session */
    public boolean clientCertSession() {
        return (client & CLIENT_CERT_SESS) != 0;
    }

    /** @return the verify result as sent, an unsigned 32-bit value; 0 means success */
    public long verify() {
        return verify;
    }

    /**
     * Whether a client certificate was presented and verified. HAProxy sends verify 0 when no certificate was
     * presented at all, so a zero verify alone proves nothing.
     *
     * @return {@code verify() == 0} and a certificate flag is set
     */
    public boolean verified() {
        return verify == 0 && (client & (CLIENT_CERT_CONN | CLIENT_CERT_SESS)) != 0;
    }

    /** @return the sub-TLVs in wire order */
    public List<Tlv> subTlvs() {
        return subTlvs;
    }

    /** @return the TLS version, e.g. {@code TLSv1.3} (sub-TLV 0x21) */
    public Optional<String> version() {
        return text(TlvType.SSL_VERSION);
    }

    /** @return the client certificate's common name (sub-TLV 0x22) */
    public Optional<String> commonName() {
        return text(TlvType.SSL_CN);
    }

    /** @return the cipher suite (sub-TLV 0x23) */
    public Optional<String> cipher() {
        return text(TlvType.SSL_CIPHER);
    }

    /** @return the certificate's signature algorithm (sub-TLV 0x24) */
    public Optional<String> signatureAlgorithm() {
        return text(TlvType.SSL_SIG_ALG);
    }

    /** @return the certificate's key algorithm (sub-TLV 0x25) */
    public Optional<String> keyAlgorithm() {
        return text(TlvType.SSL_KEY_ALG);
    }

    /** @return the key exchange group (sub-TLV 0x26) */
    public Optional<String> group() {
        return text(TlvType.SSL_GROUP);
    }

    /** @return the handshake's signature scheme (sub-TLV 0x27) */
    public Optional<String> signatureScheme() {
        return text(TlvType.SSL_SIG_SCHEME);
    }

    /**
     * The client certificate in DER (sub-TLV 0x28). A certificate is usually larger than the default 1024-byte
     * header and TLV limits: raise both on the decoder to receive it.
     *
     * @return a copy of the DER bytes
     */
    public Optional<byte[]> clientCertificate() {
        return first(TlvType.SSL_CLIENT_CERT).map(Tlv::value);
    }

    private Optional<Tlv> first(int type) {
        for (Tlv t : subTlvs) {
            if (t.type() == type) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private Optional<String> text(int type) {
        return first(type).map(t -> new String(t.rawValue(), StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SslInfo other && client == other.client && verify == other.verify
                && subTlvs.equals(other.subTlvs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(client, verify, subTlvs);
    }

    @Override
    public String toString() {
        return "SslInfo{client=0x" + Integer.toHexString(client) + ", verify=" + verify + ", subTlvs=" + subTlvs + '}';
    }
}

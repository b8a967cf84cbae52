package io.github.proxyproto4j.core;

import java.nio.ByteBuffer;

/**
 * A strict, incremental PROXY protocol v1/v2 decoder: one instance per connection, not thread-safe.
 *
 * <p>Feed it the connection's bytes as they arrive. {@link #decode} returns {@code null} while it needs
 * more, having consumed and kept everything it was given; returns the header with the buffer positioned
 * exactly after it, so the bytes that follow (an HTTP request, a TLS ClientHello) are untouched; or throws
 * a {@link ProxyProtocolException} at the first byte that cannot belong to a valid header.
 *
 * <p>It never guesses: the first bytes must be a PROXY signature. Telling PROXY from non-PROXY traffic is
 * the caller's policy, decided by peer address; {@link #detect} is for metrics and tests.
 */
public final class ProxyHeaderDecoder {
    /** Default cap on the v2 length field, as in Jetty. */
    public static final int DEFAULT_MAX_HEADER_SIZE = 1024;
    /** Default cap on a single TLV value, as in HAProxy. */
    public static final int DEFAULT_MAX_TLV_SIZE = 1024;
    /** The largest value the v2 length field can hold. */
    public static final int MAX_HEADER_SIZE_LIMIT = 0xFFFF;

    private static final int UNKNOWN_VERSION = 0;
    /** In {@code version}: a header was decoded. */
    private static final int DONE = -1;

    private final int maxHeaderSize;
    private final int maxTlvSize;

    /** 1 or 2 once the first byte is known, {@link #DONE} once a header was decoded. */
    private int version = UNKNOWN_VERSION;
    private V1Parser v1;
    private V2Parser v2;
    /** Bytes kept between calls when a header arrives in pieces; allocated only then. */
    private byte[] pending;
    /** A view of {@link #pending} for the v2 parser, made when first needed. */
    private ByteBuffer pendingView;
    private int have;
    private Reason failure;

    /** A decoder with the default limits: 1024-byte v2 length, 1024-byte TLV values. */
    public ProxyHeaderDecoder() {
        this(DEFAULT_MAX_HEADER_SIZE, DEFAULT_MAX_TLV_SIZE);
    }

    /**
     * A decoder with explicit limits. Raise both to receive a client certificate in the SSL TLV.
     *
     * @param maxHeaderSize the largest v2 length field accepted, 0 to 65535; larger is {@link Reason#HEADER_TOO_LARGE}
     * @param maxTlvSize the largest single TLV value accepted, 0 to 65535; larger is {@link Reason#TLV_TOO_LARGE}
     */
    public ProxyHeaderDecoder(int maxHeaderSize, int maxTlvSize) {
        if (maxHeaderSize < 0 || maxHeaderSize > MAX_HEADER_SIZE_LIMIT) {
            throw new IllegalArgumentException("maxHeaderSize must be 0..65535: " + maxHeaderSize);
        }
        if (maxTlvSize < 0 || maxTlvSize > MAX_HEADER_SIZE_LIMIT) {
            throw new IllegalArgumentException("maxTlvSize must be 0..65535: " + maxTlvSize);
        }
        this.maxHeaderSize = maxHeaderSize;
        this.maxTlvSize = maxTlvSize;
    }

    /** @return the cap on the v2 length field */
    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    /** @return the cap on a single TLV value */
    public int maxTlvSize() {
        return maxTlvSize;
    }

    /**
     * Consumes bytes of the header.
     *
     * @param in the bytes that arrived; read from its position to its limit
     * @return the header, with {@code in.position()} one past its last byte; or {@code null} when more bytes
     *         are needed, with all of {@code in} consumed
     * @throws ProxyProtocolException as soon as the input can no longer become a valid header; the decoder
     *         then keeps failing with the same reason
     * @throws IllegalStateException if a header was already decoded (see {@link #reset()})
     */
    public ProxyHeader decode(ByteBuffer in) throws ProxyProtocolException {
        if (failure != null) {
            throw new ProxyProtocolException(failure, "the header was already refused");
        }
        if (version == DONE) {
            throw new IllegalStateException("a header was already decoded; reset() before reuse");
        }
        if (version == UNKNOWN_VERSION && in.hasArray()) {
            ProxyHeader header = parseComplete(in);
            if (header != null) {
                in.position(in.position() + header.length());
                version = DONE;
                return header;
            }
        }
        try {
            // v1 is parsed from a byte array: in place when the buffer has one, else from a copy.
            boolean inPlace = have == 0 && (in.hasArray() || !in.hasRemaining() || in.get(in.position()) != 'P');
            return inPlace ? decodeInPlace(in) : decodePending(in);
        } catch (ProxyProtocolException e) {
            failure = e.reason();
            throw e;
        }
    }

    /**
     * The common case of all: a whole, valid TCP header in one read, parsed without any state. Anything else
     * (and any error) gives null and goes the incremental way, which decides and gives the precise reason.
     */
    private ProxyHeader parseComplete(ByteBuffer in) {
        byte[] b = in.array();
        int from = in.arrayOffset() + in.position();
        int to = in.arrayOffset() + in.limit();
        if (from == to) {
            return null;
        }
        if (b[from] == V2Parser.SIGNATURE[0]) {
            return V2Parser.parseComplete(b, from, to, maxHeaderSize, maxTlvSize);
        }
        return b[from] == V1Parser.PREFIX[0] ? V1Parser.parseComplete(b, from, to) : null;
    }

    /** The common case: nothing kept from before, so parse straight from the caller's buffer. */
    private ProxyHeader decodeInPlace(ByteBuffer in) throws ProxyProtocolException {
        int base = in.position();
        int available = in.remaining();
        if (available == 0) {
            return null;
        }
        int length = advance(in, base, 0, available);
        if (length >= 0) {
            ProxyHeader header = build(in, base, length);
            in.position(base + length);
            version = DONE;
            return header;
        }
        ensurePending(available);
        in.get(pending, 0, available);
        have = available;
        return null;
    }

    /** A header in pieces: take only the bytes the header can still use, then give back any surplus. */
    private ProxyHeader decodePending(ByteBuffer in) throws ProxyProtocolException {
        while (in.hasRemaining()) {
            int take = Math.min(in.remaining(), wanted(in));
            ensurePending(have + take);
            in.get(pending, have, take);
            int from = have;
            have += take;
            // The rest has come: checking the whole header again the fast way is quicker than going on
            // byte by byte. The bytes so far were already checked as they came.
            ProxyHeader whole = version == 1 && pending[have - 1] == '\n' ? V1Parser.parseComplete(pending, 0, have)
                    : version == 2 && have >= V2Parser.FIXED_LENGTH && have == v2Total(pending, 0)
                            ? V2Parser.parseComplete(pending, 0, have, maxHeaderSize, maxTlvSize) : null;
            if (whole != null) {
                in.position(in.position() - (have - whole.length()));
                version = DONE;
                have = 0;
                return whole;
            }
            int length = advancePending(from, have);
            if (length >= 0) {
                in.position(in.position() - (have - length)); // v1: bytes after CRLF go back
                ProxyHeader header = version == 1 ? v1.header(length) : v2.header(pendingView(), 0);
                version = DONE;
                have = 0;
                return header;
            }
        }
        return null;
    }

    /** @return how many more bytes of {@code in} the header can use before the next decision point */
    private int wanted(ByteBuffer in) {
        if (version == UNKNOWN_VERSION) {
            return 1;
        }
        if (version == 1) {
            // Up to the next LF, which usually ends the line, so that pending need not hold what follows.
            int window = Math.min(in.remaining(), V1Parser.MAX_LENGTH - have);
            int p = in.position();
            if (in.hasArray()) {
                byte[] a = in.array();
                int at = in.arrayOffset() + p;
                for (int i = 0; i < window; i++) {
                    if (a[at + i] == '\n') {
                        return i + 1;
                    }
                }
                return window;
            }
            for (int i = 0; i < window; i++) {
                if (in.get(p + i) == '\n') {
                    return i + 1;
                }
            }
            return window;
        }
        int total = v2.total();
        if (total < 0 && have + in.remaining() >= V2Parser.FIXED_LENGTH) {
            // The length field is there: take the whole header at once, unless the field is over the limit
            // (then the fixed part alone, which the parser refuses at its last byte).
            total = v2Total(have >= V2Parser.FIXED_LENGTH ? pending : null, in.position() - have, in);
            if (total - V2Parser.FIXED_LENGTH > maxHeaderSize) {
                total = V2Parser.FIXED_LENGTH;
            }
        }
        return Math.min(in.remaining(), (total < 0 ? V2Parser.FIXED_LENGTH : total) - have);
    }

    /** @return 16 + the v2 length field of the header in {@code b} at {@code base} */
    private static int v2Total(byte[] b, int base) {
        return V2Parser.FIXED_LENGTH + ((b[base + 14] & 0xFF) << 8 | (b[base + 15] & 0xFF));
    }

    /**
     * @return 16 + the v2 length field, read from {@code pending} when it holds it, else from {@code in} where
     *         header byte {@code i} is at {@code in.get(inBase + i)}
     */
    private int v2Total(byte[] held, int inBase, ByteBuffer in) {
        if (held != null) {
            return v2Total(held, 0);
        }
        int hi = have > 14 ? pending[14] : in.get(inBase + 14);
        int lo = in.get(inBase + 15);
        return V2Parser.FIXED_LENGTH + ((hi & 0xFF) << 8 | (lo & 0xFF));
    }

    /**
     * Runs header bytes {@code from} to {@code to} through the checks; header byte {@code i} is
     * {@code b.get(base + i)}.
     *
     * @return the header's total length once all of it is there, else -1
     */
    private int advance(ByteBuffer b, int base, int from, int to) throws ProxyProtocolException {
        if (version == UNKNOWN_VERSION) {
            byte first = b.get(base);
            if (first == V1Parser.PREFIX[0]) {
                version = 1;
                if (v1 == null) {
                    v1 = new V1Parser();
                }
            } else if (first == V2Parser.SIGNATURE[0]) {
                version = 2;
                if (v2 == null) {
                    v2 = new V2Parser(maxHeaderSize, maxTlvSize);
                }
            } else {
                throw new ProxyProtocolException(Reason.NOT_PROXY, "not a PROXY header at byte 0");
            }
        }
        return version == 1 ? v1.feed(b.array(), b.arrayOffset() + base, from, to) : v2.feed(b, base, from, to);
    }

    /** {@link #advance} over {@link #pending}, without a buffer view for v1. */
    private int advancePending(int from, int to) throws ProxyProtocolException {
        if (version == 1 || (version == UNKNOWN_VERSION && pending[0] == V1Parser.PREFIX[0])) {
            if (version == UNKNOWN_VERSION) {
                version = 1;
                if (v1 == null) {
                    v1 = new V1Parser();
                }
            }
            return v1.feed(pending, 0, from, to);
        }
        return advance(pendingView(), 0, from, to);
    }

    private ProxyHeader build(ByteBuffer b, int base, int length) throws ProxyProtocolException {
        return version == 1 ? v1.header(length) : v2.header(b, base);
    }

    /**
     * Makes room for {@code size} bytes: for v1 the longest line of its protocol, for v2 exactly the whole
     * header once the length is known, else room for the fixed part and an IP address block; so a header in
     * two reads usually costs one array.
     */
    private void ensurePending(int size) {
        if (pending == null || pending.length < size) {
            int room;
            if (version == 1) {
                room = v1.longestLine();
            } else if (version == 2 && v2.total() >= 0) {
                room = v2.total();
            } else {
                room = V2Parser.FIXED_LENGTH + V2Parser.INET6_BLOCK; // any TCP header without TLVs
            }
            byte[] bigger = new byte[Math.max(size, room)];
            if (pending != null) {
                System.arraycopy(pending, 0, bigger, 0, have);
            }
            pending = bigger;
            pendingView = null;
        }
    }

    /** The v1 parser reads {@link #pending} itself; only the v2 parser wants a buffer. */
    private ByteBuffer pendingView() {
        ByteBuffer view = pendingView;
        if (view == null) {
            view = ByteBuffer.wrap(pending);
            pendingView = view;
        }
        return view;
    }

    /** @return whether a header was decoded */
    public boolean isDone() {
        return version == DONE;
    }

    /** @return how many bytes of an incomplete header are held, waiting for the rest */
    public int bufferedBytes() {
        return have;
    }

    /**
     * Forgets everything about the current connection, so that a pooled channel can reuse the decoder.
     * Nothing of the previous connection survives (Undertow's CVE-2024-7885 leaked between connections).
     */
    public void reset() {
        version = UNKNOWN_VERSION;
        if (v1 != null) {
            v1.reset();
        }
        if (v2 != null) {
            v2.reset();
        }
        if (pending != null) {
            java.util.Arrays.fill(pending, 0, have, (byte) 0);
        }
        have = 0;
        failure = null;
    }

    /**
     * Tells what the first bytes of a connection are, without consuming any. Says {@link Detection#V1} only
     * once {@code "PROXY "} is there and {@link Detection#V2} only once the whole 12-byte signature is, so
     * {@code POST}, {@code PRI *} (the h2c preface), a stray CRLF and a TLS record are told apart correctly.
     *
     * @param in the first bytes, from its position to its limit
     * @return the detection
     */
    public static Detection detect(ByteBuffer in) {
        int p = in.position();
        int n = in.remaining();
        if (n == 0) {
            return Detection.NEED_MORE_DATA;
        }
        byte[] signature;
        Detection kind;
        if (in.get(p) == V1Parser.PREFIX[0]) {
            signature = V1Parser.PREFIX;
            kind = Detection.V1;
        } else if (in.get(p) == V2Parser.SIGNATURE[0]) {
            signature = V2Parser.SIGNATURE;
            kind = Detection.V2;
        } else {
            return Detection.NOT_PROXY;
        }
        int check = Math.min(n, signature.length);
        for (int i = 1; i < check; i++) {
            if (in.get(p + i) != signature[i]) {
                return Detection.NOT_PROXY;
            }
        }
        return n >= signature.length ? kind : Detection.NEED_MORE_DATA;
    }
}

package io.github.proxyproto4j.core;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Coverage-guided fuzzing of {@link ProxyHeaderDecoder} with <a href="https://github.com/CodeIntelligenceTesting/jazzer">Jazzer</a>.
 *
 * <p>{@code ./mvnw verify} runs these methods in regression mode: once on the empty input and once on each
 * file under {@code src/test/resources/io/github/proxyproto4j/core/DecoderFuzzTestInputs/<method name>/}
 * (the committed seed corpus). With the environment variable {@code JAZZER_FUZZ=1} the one selected method
 * is fuzzed instead (see the README for the commands).
 *
 * <h2>Input layout of {@link #arbitraryBytesInArbitrarySplits}</h2>
 *
 * The first {@value #CONTROL} bytes steer the test, everything after them is fed to the decoder. The
 * control block has a fixed size, so mutating it never shifts the header bytes; an input shorter than it is
 * read as if padded with zeros.
 *
 * <pre>
 * offset  size  meaning
 *  0      1     limits: bits 0-1 pick maxHeaderSize, bits 2-3 pick maxTlvSize:
 *                 0 or 1 = 1024 (the default), 2 = 65535, 3 = the explicit value below
 *  1      2     explicit maxHeaderSize, big-endian (0..65535), used only with mode 3
 *  3      2     explicit maxTlvSize, big-endian (0..65535), used only with mode 3
 *  5      1     number of cuts n = byte &amp; 7 (0..7): the input is fed as n + 1 chunks
 *  6      14    7 chunk slots of 2 bytes [buffer kind, chunk size 0..255]; the first n are used, in order
 *               (a chunk is cut short when the input runs out; size 0 feeds an empty buffer)
 * 20      1     buffer kind of the last chunk, which holds all remaining bytes
 * 21      ...   the bytes on the wire: a header, possibly followed by payload
 * </pre>
 *
 * A buffer kind is one byte: bits 0-1 choose 0 = {@code ByteBuffer.wrap} of exactly the chunk, 1 = a heap
 * {@code slice()} with a non-zero array offset and position and junk around the chunk, 2 = a direct buffer
 * at a non-zero position with junk around the chunk, 3 = {@code ByteBuffer.wrap(array, off, len)} at a
 * non-zero position; bit 2 makes the buffer read-only.
 *
 * <h2>Input layout of {@link #detectNeverConsumes}</h2>
 *
 * Byte 0 is a buffer kind as above; the rest are the first bytes of a connection.
 */
class DecoderFuzzTest {
    /** Size of the control block before the wire bytes in {@link #arbitraryBytesInArbitrarySplits}. */
    static final int CONTROL = 21;
    private static final int MAX_CUTS = 7;
    private static final byte JUNK = (byte) 0xA5;

    /** What a decoder made of some bytes; {@code consumed} is how many bytes it took in total. */
    private record Result(ProxyHeader header, Reason reason, int consumed) {
        boolean sameAs(Result o) {
            if (reason != o.reason) {
                return false;
            }
            if (header == null || o.header == null) {
                return header == o.header;
            }
            return header.equals(o.header) && header.length() == o.header.length() && consumed == o.consumed;
        }

        @Override
        public String toString() {
            if (reason != null) {
                return "invalid " + reason;
            }
            return header == null ? "incomplete (" + consumed + " bytes)" : "valid " + header;
        }
    }

    @FuzzTest(maxDuration = "5m")
    void arbitraryBytesInArbitrarySplits(FuzzedDataProvider data) {
        byte[] control = Arrays.copyOf(data.consumeBytes(CONTROL), CONTROL);
        byte[] wire = data.consumeRemainingAsBytes();

        int maxHeader = limit(control[0] & 3, control[1], control[2], ProxyHeaderDecoder.DEFAULT_MAX_HEADER_SIZE);
        int maxTlv = limit(control[0] >> 2 & 3, control[3], control[4], ProxyHeaderDecoder.DEFAULT_MAX_TLV_SIZE);

        int cuts = control[5] & MAX_CUTS;
        int[] starts = new int[cuts + 2];
        int[] kinds = new int[cuts + 1];
        int at = 0;
        for (int i = 0; i < cuts; i++) {
            starts[i] = at;
            kinds[i] = control[6 + 2 * i];
            at = Math.min(wire.length, at + (control[7 + 2 * i] & 0xFF));
        }
        starts[cuts] = at;
        kinds[cuts] = control[20];
        starts[cuts + 1] = wire.length;

        Result split = feedChunks(new ProxyHeaderDecoder(maxHeader, maxTlv), wire, starts, kinds);
        Result whole = feedChunks(new ProxyHeaderDecoder(maxHeader, maxTlv), wire, new int[] {0, wire.length},
                new int[] {0});
        Result bytewise = feedByteByByte(new ProxyHeaderDecoder(maxHeader, maxTlv), wire);
        if (!split.sameAs(whole) || !split.sameAs(bytewise)) {
            throw fail("the split changes the result: split=" + split + " whole=" + whole + " byte-by-byte="
                    + bytewise, wire, null);
        }
        if (split.header != null) {
            exercise(split.header, wire);
            reencode(split.header, wire);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void detectNeverConsumes(FuzzedDataProvider data) {
        byte[] first = data.consumeBytes(1); // from the front, unlike consumeByte()
        int kind = first.length == 0 ? 0 : first[0];
        byte[] wire = data.consumeRemainingAsBytes();
        ByteBuffer in = buffer(wire, 0, wire.length, kind);
        int position = in.position();
        int limit = in.limit();

        Detection detection;
        try {
            detection = ProxyHeaderDecoder.detect(in);
        } catch (RuntimeException e) {
            throw fail("detect threw", wire, e);
        }
        if (detection == null || in.position() != position || in.limit() != limit) {
            throw fail("detect returned " + detection + " and moved the buffer: position " + position + "->"
                    + in.position() + " limit " + limit + "->" + in.limit(), wire, null);
        }

        ProxyHeader header = null;
        Reason reason = null;
        try {
            header = new ProxyHeaderDecoder().decode(in);
        } catch (ProxyProtocolException e) {
            reason = e.reason();
        } catch (RuntimeException e) {
            throw fail("decode threw after detect said " + detection, wire, e);
        }
        boolean agrees = switch (detection) {
            case NOT_PROXY -> reason == Reason.NOT_PROXY;
            case NEED_MORE_DATA -> header == null && reason == null;
            case V1, V2 -> reason != Reason.NOT_PROXY
                    && (header == null || header.version() == (detection == Detection.V1 ? 1 : 2));
        };
        if (!agrees) {
            throw fail("detect said " + detection + " but decode gave "
                    + (reason != null ? reason : header != null ? header : "incomplete"), wire, null);
        }
    }

    private static int limit(int mode, byte high, byte low, int byDefault) {
        return switch (mode) {
            case 2 -> ProxyHeaderDecoder.MAX_HEADER_SIZE_LIMIT;
            case 3 -> (high & 0xFF) << 8 | (low & 0xFF);
            default -> byDefault;
        };
    }

    /**
     * Feeds {@code wire[starts[i]..starts[i+1])} as chunk {@code i} of kind {@code kinds[i]}, checking the
     * decoder's contract after every call.
     */
    private static Result feedChunks(ProxyHeaderDecoder decoder, byte[] wire, int[] starts, int[] kinds) {
        int chunks = kinds.length;
        for (int i = 0; i < chunks; i++) {
            int from = starts[i];
            int to = starts[i + 1];
            ByteBuffer chunk = buffer(wire, from, to, kinds[i]);
            int position = chunk.position();
            int limit = chunk.limit();
            ProxyHeader header;
            try {
                header = decoder.decode(chunk);
            } catch (ProxyProtocolException e) {
                return refused(decoder, e, wire);
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                throw fail("decode threw on chunk " + i + " of kind " + kinds[i] + " [" + from + ", " + to + ")",
                        wire, e);
            }
            if (chunk.limit() != limit) {
                throw fail("decode moved the limit " + limit + "->" + chunk.limit(), wire, null);
            }
            int taken = chunk.position() - position;
            if (taken < 0 || taken > to - from) {
                throw fail("decode moved the position " + position + "->" + chunk.position(), wire, null);
            }
            if (header == null) {
                if (chunk.hasRemaining()) {
                    throw fail("null returned with " + chunk.remaining() + " bytes left in chunk " + i, wire, null);
                }
                if (decoder.bufferedBytes() != to || decoder.isDone()) {
                    throw fail("incomplete after " + to + " bytes but bufferedBytes=" + decoder.bufferedBytes()
                            + " isDone=" + decoder.isDone(), wire, null);
                }
                continue;
            }
            int consumed = from + taken;
            if (header.length() != consumed) {
                throw fail("header.length()=" + header.length() + " but " + consumed + " bytes were consumed",
                        wire, null);
            }
            for (int j = consumed; j < to; j++) {
                if (chunk.get(chunk.position() + j - consumed) != wire[j]) {
                    throw fail("the bytes after the header changed at " + j, wire, null);
                }
            }
            if (!decoder.isDone()) {
                throw fail("a header was returned but isDone() is false", wire, null);
            }
            try {
                decoder.decode(ByteBuffer.wrap(new byte[] {1}));
                throw fail("decode after a header must throw IllegalStateException", wire, null);
            } catch (IllegalStateException expected) {
                // the documented behaviour
            } catch (ProxyProtocolException e) {
                throw fail("decode after a header threw " + e.reason(), wire, e);
            }
            return new Result(header, null, consumed);
        }
        return new Result(null, null, wire.length);
    }

    /** Feeds one byte at a time through one reused one-byte buffer. */
    private static Result feedByteByByte(ProxyHeaderDecoder decoder, byte[] wire) {
        byte[] one = new byte[1];
        ByteBuffer b = ByteBuffer.wrap(one);
        for (int i = 0; i < wire.length; i++) {
            one[0] = wire[i];
            b.clear();
            ProxyHeader header;
            try {
                header = decoder.decode(b);
            } catch (ProxyProtocolException e) {
                return refused(decoder, e, wire);
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                throw fail("decode threw on byte " + i + " fed alone", wire, e);
            }
            if (header != null) {
                if (b.hasRemaining()) {
                    throw fail("a header ended on byte " + i + " but the byte was not consumed", wire, null);
                }
                return new Result(header, null, i + 1);
            }
            if (b.hasRemaining()) {
                throw fail("null returned but byte " + i + " was not consumed", wire, null);
            }
        }
        return new Result(null, null, wire.length);
    }

    private static Result refused(ProxyHeaderDecoder decoder, ProxyProtocolException e, byte[] wire) {
        Reason reason = e.reason();
        if (reason == null || reason == Reason.NONE) {
            throw fail("ProxyProtocolException with reason " + reason, wire, e);
        }
        try {
            decoder.decode(ByteBuffer.wrap(new byte[] {'\r', '\n'}));
            throw fail("a refused decoder accepted more bytes", wire, null);
        } catch (ProxyProtocolException again) {
            if (again.reason() != reason) {
                throw fail("a refused decoder changed its reason " + reason + "->" + again.reason(), wire, again);
            }
        } catch (RuntimeException again) {
            throw fail("a refused decoder threw", wire, again);
        }
        return new Result(null, reason, -1);
    }

    /** Every accessor must work on every header the decoder returns. */
    private static void exercise(ProxyHeader h, byte[] wire) {
        try {
            Objects.requireNonNull(h.command());
            Objects.requireNonNull(h.family());
            Objects.requireNonNull(h.transport());
            if (h.version() != 1 && h.version() != 2) {
                throw fail("version " + h.version(), wire, null);
            }
            h.sourceAddress();
            h.destinationAddress();
            h.toString();
            h.hashCode();
            List<Tlv> tlvs = h.tlvs();
            for (Tlv t : tlvs) {
                if (!h.tlv(t.type()).isPresent() || t.value().length != t.length()) {
                    throw fail("inconsistent TLV " + t, wire, null);
                }
                t.toString();
            }
            h.alpn();
            h.authority();
            h.uniqueId();
            h.netns();
            h.awsVpcEndpointId();
            h.azurePrivateLinkId();
            h.gcpPscConnectionId();
            h.ssl().ifPresent(ssl -> {
                ssl.client();
                ssl.clientSsl();
                ssl.clientCertConnection();
                ssl.clientCertSession();
                ssl.verify();
                ssl.verified();
                ssl.subTlvs();
                ssl.version();
                ssl.commonName();
                ssl.cipher();
                ssl.signatureAlgorithm();
                ssl.keyAlgorithm();
                ssl.group();
                ssl.signatureScheme();
                ssl.clientCertificate();
                ssl.toString();
                ssl.hashCode();
            });
        } catch (RuntimeException e) {
            throw fail("an accessor threw on " + describe(h), wire, e);
        }
    }

    /** Encoding a decoded header and decoding that must give an equal header. */
    private static void reencode(ProxyHeader h, byte[] wire) {
        byte[] encoded;
        try {
            encoded = ProxyHeaderEncoder.encode(h);
        } catch (IllegalArgumentException e) {
            int crcs = 0;
            for (Tlv t : h.tlvs()) {
                if (t.type() == TlvType.CRC32C) {
                    crcs++;
                }
            }
            if (h.version() == 2 && crcs > 1) {
                return; // no CRC32C value can satisfy several CRC32C TLVs
            }
            throw fail("encode refused a decoded header " + describe(h), wire, e);
        } catch (RuntimeException e) {
            throw fail("encode threw on " + describe(h), wire, e);
        }
        ProxyHeader again;
        try {
            again = new ProxyHeaderDecoder(ProxyHeaderDecoder.MAX_HEADER_SIZE_LIMIT,
                    ProxyHeaderDecoder.MAX_HEADER_SIZE_LIMIT).decode(ByteBuffer.wrap(encoded));
        } catch (ProxyProtocolException | RuntimeException e) {
            throw fail("the re-encoding " + HexFormat.of().formatHex(encoded) + " of " + describe(h)
                    + " does not decode", wire, e);
        }
        if (again == null || !h.equals(again) || again.length() != encoded.length) {
            throw fail("the re-encoding " + HexFormat.of().formatHex(encoded) + " decodes to "
                    + (again == null ? "incomplete" : describe(again)) + ", not to " + describe(h), wire, null);
        }
    }

    /**
     * The chunk {@code wire[from..to)} in a buffer of the given kind (see the class Javadoc), positioned at
     * its first byte and limited after its last.
     */
    private static ByteBuffer buffer(byte[] wire, int from, int to, int kind) {
        int len = to - from;
        ByteBuffer b;
        switch (kind & 3) {
            case 1 -> {
                byte[] a = new byte[len + 9];
                Arrays.fill(a, JUNK);
                System.arraycopy(wire, from, a, 6, len);
                b = ByteBuffer.wrap(a, 2, len + 6).slice(); // arrayOffset 2
                b.position(4).limit(4 + len);
            }
            case 2 -> {
                b = ByteBuffer.allocateDirect(len + 8);
                b.put(new byte[] {JUNK, JUNK, JUNK, 'P', '\r'}).put(wire, from, len).put(new byte[] {JUNK, '\n', JUNK});
                b.position(5).limit(5 + len);
            }
            case 3 -> {
                byte[] a = new byte[len + 4];
                Arrays.fill(a, JUNK);
                System.arraycopy(wire, from, a, 3, len);
                b = ByteBuffer.wrap(a, 3, len);
            }
            default -> b = ByteBuffer.wrap(Arrays.copyOfRange(wire, from, to));
        }
        return (kind & 4) != 0 ? b.asReadOnlyBuffer() : b;
    }

    private static String describe(ProxyHeader h) {
        try {
            return h.toString();
        } catch (RuntimeException e) {
            return "a v" + h.version() + " header whose toString() throws " + e;
        }
    }

    private static AssertionError fail(String what, byte[] wire, Throwable cause) {
        return new AssertionError(what + "; wire bytes: " + HexFormat.of().formatHex(wire), cause);
    }
}

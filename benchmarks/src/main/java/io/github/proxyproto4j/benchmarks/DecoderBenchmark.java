package io.github.proxyproto4j.benchmarks;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderDecoder;
import io.github.proxyproto4j.core.ProxyProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import io.netty.util.CharsetUtil;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decodes one PROXY header, followed by the first bytes of an HTTP request, as a freshly accepted connection
 * would (a new decoder per operation), with proxyproto4j ({@code ours}) and with Netty's
 * {@link HAProxyMessageDecoder} ({@code netty}). Compare the two within one run: report ours/netty.
 *
 * <p>{@code input}: v1 TCP4, v1 TCP6, v2 TCP over IPv4 without TLVs, and v2 TCP over IPv6 with ALPN, AUTHORITY,
 * UNIQUE_ID, SSL (version, CN, cipher), AWS VPC endpoint and CRC32C TLVs. {@code reads}: 1, the whole header in
 * one read; 2, the header split in the middle, the first half in one read and the rest (with the payload) in
 * the next.
 *
 * <p>Both sides do what a receiver needs: decode and validate a complete header, then read the client's
 * address and port, and for the TLV input the ALPN protocol as a string. Ours returns the address and port as one
 * {@link InetSocketAddress}, built on first access; Netty returns them as a string and an int, built eagerly
 * (a receiver still has to make a socket address of them; that cost is left out, to Netty's advantage). Netty
 * does not verify the CRC32C TLV; ours does.
 *
 * <p>Netty is driven through {@code decode(ctx, in, out)}, the protected method {@code ByteToMessageDecoder}
 * calls for each read, reached through a subclass; on the success path it never touches the context. That is
 * Netty's leanest way in: it leaves out the pipeline, {@code channelRead}'s cumulation bookkeeping and the
 * handler's removal, all of which a real channel adds to Netty's side only. For two reads it does what
 * {@code ByteToMessageDecoder} does with its default {@code MERGE_CUMULATOR} when the first read's buffer has
 * room (the usual case: receive buffers are 2048 bytes or more): {@code decode} sees the first half, returns
 * without output, the next read's bytes are appended to the same buffer, and {@code decode} is called again.
 *
 * <p>Receive buffers are pooled in every server, so neither side allocates one per operation: ours reuses
 * heap {@link ByteBuffer}s over the bytes, Netty a heap {@link ByteBuf}, rewound each time. The first read's
 * bytes are there already on both sides; the second read's are appended by Netty (the cumulator's copy, part
 * of Netty's work) and copied by ours into its own buffer (part of ours). Netty's leak detector is disabled in
 * the forked JVM so it does not sample-track buffers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DecoderBenchmark {

    /** The header on the wire. */
    @Param({"V1_TCP4", "V1_TCP6", "V2_TCP4", "V2_TCP6_TLVS"})
    public String input;

    /** 1: the whole header in one read; 2: split in the middle of the header. */
    @Param({"1", "2"})
    public int reads;

    private byte[] bytes;
    private int split;
    private boolean hasTlvs;

    private ByteBuffer oursFirst;
    private ByteBuffer oursRest;
    private ByteBuf nettyBuffer;
    /** Like ByteToMessageDecoder's recycled output list: reused, so Netty pays no per-op list allocation. */
    private final List<Object> nettyOut = new ArrayList<>(1);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] header = header(input);
        bytes = Fixtures.withPayload(header);
        hasTlvs = input.equals("V2_TCP6_TLVS");
        split = reads == 1 ? bytes.length : header.length / 2;
        oursFirst = ByteBuffer.wrap(bytes, 0, split).slice();
        oursRest = ByteBuffer.wrap(Arrays.copyOfRange(bytes, split, bytes.length));
        nettyBuffer = Unpooled.buffer(2048, 2048).writeBytes(bytes);

        // Fail fast, before measuring, if either decoder rejects or misreads an input.
        ProxyHeader ours = ours();
        if (ours == null || ours.length() != header.length || ours.sourceAddress() == null
                || (reads == 1 ? oursFirst.remaining() : oursRest.remaining()) != Fixtures.HTTP_PAYLOAD.length
                || hasTlvs != ours.alpn().isPresent()) {
            throw new IllegalStateException("proxyproto4j misread " + input + ": " + ours);
        }
        HAProxyMessage netty = netty();
        try {
            if (netty.sourceAddress() == null || nettyBuffer.readableBytes() != Fixtures.HTTP_PAYLOAD.length
                    || (netty.tlvs().size() == 9) != hasTlvs || hasTlvs != (nettyAlpn(netty) != null)) {
                throw new IllegalStateException("Netty misread " + input + ": " + netty);
            }
        } finally {
            netty.release();
        }
    }

    private static byte[] header(String input) {
        switch (input) {
            case "V1_TCP4":
                return Fixtures.V1_TCP4_HEADER;
            case "V1_TCP6":
                return Fixtures.V1_TCP6_HEADER;
            case "V2_TCP4":
                return Fixtures.V2_TCP4_HEADER;
            case "V2_TCP6_TLVS":
                return Fixtures.V2_TCP6_TLVS_HEADER;
            default:
                throw new IllegalArgumentException(input);
        }
    }

    @Benchmark
    public void ours(Blackhole bh) throws ProxyProtocolException {
        ProxyHeader header = ours();
        bh.consume(header.sourceAddress()); // address and port
        if (hasTlvs) {
            bh.consume(header.alpn().orElse(null));
        }
    }

    @Benchmark
    public void netty(Blackhole bh) throws Exception {
        HAProxyMessage message = netty();
        try {
            bh.consume(message.sourceAddress());
            bh.consume(message.sourcePort());
            if (hasTlvs) {
                bh.consume(nettyAlpn(message));
            }
        } finally {
            message.release();
        }
    }

    private ProxyHeader ours() throws ProxyProtocolException {
        ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
        ByteBuffer first = oursFirst;
        first.clear();
        if (reads == 1) {
            return decoder.decode(first);
        }
        if (decoder.decode(first) != null) {
            throw new IllegalStateException("a header from half of it");
        }
        ByteBuffer rest = oursRest;
        rest.clear();
        return decoder.decode(rest);
    }

    private HAProxyMessage netty() throws Exception {
        DirectNettyDecoder decoder = new DirectNettyDecoder();
        ByteBuf in = nettyBuffer;
        in.setIndex(0, split); // the first read, already in the buffer (as ours's is)
        if (reads == 2) {
            decoder.decodeOnce(in, nettyOut);
            if (!nettyOut.isEmpty()) {
                throw new IllegalStateException("a header from half of it");
            }
            in.writeBytes(bytes, split, bytes.length - split); // MERGE_CUMULATOR: append to the cumulation
        }
        decoder.decodeOnce(in, nettyOut);
        HAProxyMessage message = (HAProxyMessage) nettyOut.get(0);
        nettyOut.clear();
        return message;
    }

    /** The lookup a receiver does to choose HTTP/2: the ALPN TLV's value as a string. */
    private static String nettyAlpn(HAProxyMessage message) {
        for (HAProxyTLV tlv : message.tlvs()) {
            if (tlv.type() == HAProxyTLV.Type.PP2_TYPE_ALPN) {
                return tlv.content().toString(CharsetUtil.US_ASCII);
            }
        }
        return null;
    }

    /** Exposes Netty's protected {@code decode}; the context is only used on failure paths. */
    static final class DirectNettyDecoder extends HAProxyMessageDecoder {
        void decodeOnce(ByteBuf in, List<Object> out) throws Exception {
            decode(null, in, out);
        }
    }
}

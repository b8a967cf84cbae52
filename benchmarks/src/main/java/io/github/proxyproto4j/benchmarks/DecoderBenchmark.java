package io.github.proxyproto4j.benchmarks;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderDecoder;
import io.github.proxyproto4j.core.ProxyProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decodes one PROXY header as a freshly accepted connection would, with proxyproto4j and with Netty's
 * {@link HAProxyMessageDecoder}. Compare the two within one run: report ours/netty, not absolute scores.
 *
 * <p>Netty is driven by calling {@code decode(ctx, in, out)} directly through a subclass (the method is
 * protected final; on the success path it never touches the context, so {@code null} is passed). That
 * measures the same work on both sides -- frame the header, parse it, build the message -- without the
 * channel, pipeline and cumulation machinery an {@code EmbeddedChannel} would add to Netty's side only.
 * Each operation builds a new decoder and wraps the same heap bytes afresh on both sides
 * ({@code ByteBuffer.wrap} for ours, {@code Unpooled.wrappedBuffer} for Netty).
 * Netty's leak detector is disabled in the forked JVM so it does not sample-track messages.
 *
 * <p>Differences in work that remain, both to Netty's advantage: Netty does not verify the CRC32C TLV,
 * and returns addresses as strings where ours builds {@link java.net.SocketAddress} objects.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DecoderBenchmark {

    private byte[] v1;
    private byte[] v2;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        v1 = Fixtures.V1_TCP4.clone();
        v2 = Fixtures.V2_TCP6_TLVS.clone();
        // Fail fast, before measuring, if either decoder rejects or misreads a fixture.
        check(ByteBuffer.wrap(v1), 1);
        check(ByteBuffer.wrap(v2), 2);
        checkNetty(v1, 0);
        checkNetty(v2, 9); // ALPN, AUTHORITY, UNIQUE_ID, SSL + its 3 sub-TLVs (flattened), AWS, CRC32C
    }

    @Benchmark
    public void ours_v1(Blackhole bh) throws ProxyProtocolException {
        ProxyHeader header = ours(ByteBuffer.wrap(v1));
        bh.consume(header.sourceAddress());
    }

    @Benchmark
    public void netty_v1(Blackhole bh) throws Exception {
        HAProxyMessage message = netty(v1);
        try {
            bh.consume(message.sourceAddress());
            bh.consume(message.sourcePort());
        } finally {
            message.release();
        }
    }

    @Benchmark
    public void ours_v2(Blackhole bh) throws ProxyProtocolException {
        ProxyHeader header = ours(ByteBuffer.wrap(v2));
        bh.consume(header.sourceAddress());
        bh.consume(header.tlvs());
        bh.consume(header.ssl());
    }

    @Benchmark
    public void netty_v2(Blackhole bh) throws Exception {
        HAProxyMessage message = netty(v2);
        try {
            bh.consume(message.sourceAddress());
            bh.consume(message.sourcePort());
            bh.consume(message.tlvs());
        } finally {
            message.release();
        }
    }

    private static ProxyHeader ours(ByteBuffer in) throws ProxyProtocolException {
        return new ProxyHeaderDecoder().decode(in);
    }

    /** Like ByteToMessageDecoder's recycled output list: reused, so Netty pays no per-op list allocation. */
    private final List<Object> nettyOut = new ArrayList<>(1);

    private HAProxyMessage netty(byte[] bytes) throws Exception {
        nettyOut.clear();
        new DirectNettyDecoder().decodeOnce(Unpooled.wrappedBuffer(bytes), nettyOut);
        return (HAProxyMessage) nettyOut.get(0);
    }

    private static void check(ByteBuffer in, int version) throws ProxyProtocolException {
        ProxyHeader header = ours(in);
        if (header == null || header.version() != version || header.sourceAddress() == null
                || in.remaining() != Fixtures.HTTP_PAYLOAD.length) {
            throw new IllegalStateException("proxyproto4j misread the v" + version + " fixture: " + header);
        }
        if (version == 2 && (header.ssl().isEmpty() || header.alpn().isEmpty()
                || header.awsVpcEndpointId().isEmpty())) {
            throw new IllegalStateException("proxyproto4j missed TLVs of the v2 fixture: " + header);
        }
    }

    private void checkNetty(byte[] bytes, int tlvCount) throws Exception {
        HAProxyMessage message = netty(bytes);
        try {
            if (message.sourceAddress() == null || message.tlvs().size() != tlvCount) {
                throw new IllegalStateException("Netty misread a fixture: " + message);
            }
        } finally {
            message.release();
        }
    }

    /** Exposes Netty's protected {@code decode}; the context is only used on failure paths. */
    static final class DirectNettyDecoder extends HAProxyMessageDecoder {
        void decodeOnce(ByteBuf in, List<Object> out) throws Exception {
            decode(null, in, out);
            if (out.isEmpty()) {
                throw new IllegalStateException("Netty did not decode a complete header");
            }
        }
    }
}

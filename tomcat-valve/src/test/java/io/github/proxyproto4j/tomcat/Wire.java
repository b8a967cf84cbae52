package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.Command;
import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.core.Reason;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** Bytes the tests send, and small waits. The header's client is always 127.0.0.42, which no socket uses. */
final class Wire {
    static final String V1 = "PROXY TCP4 127.0.0.42 192.0.2.10 40000 9080\r\n";
    static final String GET = "GET /echo HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";

    private Wire() {
    }

    static String v1(int clientPort) {
        return "PROXY TCP4 127.0.0.42 192.0.2.10 " + clientPort + " 9080\r\n";
    }

    /** A v2 PROXY header from 127.0.0.42:clientPort to 192.0.2.10:9080 with ALPN, authority, unique id, VPCE. */
    static byte[] v2(int clientPort, boolean crc) {
        ProxyHeader h = ProxyHeader.builder()
                .addresses(new InetSocketAddress("127.0.0.42", clientPort), new InetSocketAddress("192.0.2.10", 9080))
                .alpn("h2").authority("app.example").uniqueId("abc".getBytes(StandardCharsets.US_ASCII))
                .awsVpcEndpointId("vpce-0123").build();
        return ProxyHeaderEncoder.encodeV2(h, crc);
    }

    static byte[] v2(boolean crc) {
        return v2(40000, crc);
    }

    /** A v2 LOCAL header, as a balancer's health check sends. */
    static byte[] v2Local() {
        return ProxyHeaderEncoder.encode(ProxyHeader.builder().command(Command.LOCAL).build());
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Polls for up to {@code millis}; returns whether the condition became true. */
    static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Waits (generously) until the counters show {@code n} rejections for {@code reason}. */
    static boolean awaitRejected(ProxyProtocolCounters counters, Reason reason, long n) throws InterruptedException {
        return await(() -> counters.rejected(reason) >= n, 5000);
    }
}

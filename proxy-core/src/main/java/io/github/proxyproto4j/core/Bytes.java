package io.github.proxyproto4j.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Word-at-a-time comparisons of signatures in byte arrays, for the decoder's fast paths. */
final class Bytes {
    /** Four zero bytes, standing in for a CRC32C value while it is computed; never written to. */
    static final byte[] FOUR_ZEROS = new byte[4];

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** The first 8 bytes of the v2 signature, as one word. */
    private static final long V2_HEAD = (long) LONG.get(V2Parser.SIGNATURE, 0);
    /** The last 4 bytes of the v2 signature, as one word. */
    private static final int V2_TAIL = (int) INT.get(V2Parser.SIGNATURE, 8);
    /** {@code "PROXY TC"} as one word. */
    private static final long V1_TCP = (long) LONG.get("PROXY TC".getBytes(StandardCharsets.US_ASCII), 0);

    private Bytes() {
    }

    /** @return whether {@code b[at, at + 12)} is the v2 signature; the bytes must be there */
    static boolean startsWithV2Signature(byte[] b, int at) {
        return (long) LONG.get(b, at) == V2_HEAD && (int) INT.get(b, at + 8) == V2_TAIL;
    }

    /** @return whether {@code b[at, at + 8)} is {@code "PROXY TC"}; the bytes must be there */
    static boolean startsWithProxyTc(byte[] b, int at) {
        return (long) LONG.get(b, at) == V1_TCP;
    }
}

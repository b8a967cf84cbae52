package io.github.proxyproto4j.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Word-at-a-time comparisons of signatures in byte arrays, for the decoder's fast paths. */
final class Bytes {
    /** Four zero bytes, standing in for a CRC32C value while it is computed; never written to. */
    static final byte[] FOUR_ZEROS = new byte[4];

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** The first 8 bytes of the v2 signature, big-endian. */
    private static final long V2_HEAD = 0x0D0A0D0A000D0A51L;
    /** The last 4 bytes of the v2 signature, big-endian. */
    private static final int V2_TAIL = 0x5549540A;
    /** {@code "PROXY TC"}, big-endian. */
    private static final long V1_TCP = 0x50524F5859205443L;

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

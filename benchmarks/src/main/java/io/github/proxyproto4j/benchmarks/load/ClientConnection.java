package io.github.proxyproto4j.benchmarks.load;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One of the client's connection slots. Its buffers are allocated once and reused by every connection the slot
 * opens, so steady-state load allocates only what the JDK needs per socket.
 */
final class ClientConnection {
    /** PROXY header (if any) and the first request, as sent on a fresh connection. */
    final ByteBuffer first;
    /** The request alone, for the following requests of a keep-alive connection. */
    final ByteBuffer next;
    /** The response so far. */
    final ByteBuffer in;
    final HttpResponseReader reader = new HttpResponseReader();

    SocketChannel channel;
    SelectionKey key;
    /** What is being written: {@link #first} or {@link #next}. */
    ByteBuffer out;

    ClientConnection(byte[] first, byte[] next, int readBufferSize) {
        this.first = filled(first);
        this.next = filled(next);
        this.in = ByteBuffer.allocateDirect(readBufferSize);
    }

    private static ByteBuffer filled(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(bytes).flip();
        return b;
    }
}

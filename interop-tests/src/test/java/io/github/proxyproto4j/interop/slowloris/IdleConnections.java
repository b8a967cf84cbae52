package io.github.proxyproto4j.interop.slowloris;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/** Connections that connect, optionally send a few bytes, and then hold still: the heap measurement's load. */
final class IdleConnections implements AutoCloseable {
    private final List<SocketChannel> channels = new ArrayList<>();

    /**
     * @param port the server port on 127.0.0.1
     * @param count how many
     * @param sources source addresses, used in turn
     * @param prefixes bytes each sends once (in turn), or an empty array for none
     * @return the open connections
     * @throws IOException if one cannot connect
     */
    static IdleConnections open(int port, int count, List<InetAddress> sources, List<byte[]> prefixes)
            throws IOException {
        IdleConnections c = new IdleConnections();
        try {
            for (int i = 0; i < count; i++) {
                SocketChannel ch = SocketChannel.open();
                c.channels.add(ch);
                ch.bind(new InetSocketAddress(sources.get(i % sources.size()), 0));
                ch.connect(new InetSocketAddress("127.0.0.1", port));
                byte[] prefix = prefixes.get(i % prefixes.size());
                if (prefix.length > 0) {
                    ch.write(ByteBuffer.wrap(prefix));
                }
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    @Override
    public void close() {
        for (SocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        channels.clear();
    }
}

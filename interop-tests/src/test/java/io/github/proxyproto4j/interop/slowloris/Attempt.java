package io.github.proxyproto4j.interop.slowloris;

import java.net.InetAddress;
import java.nio.channels.SocketChannel;

/**
 * One trickling connection, from connect to close. Written only by the {@link Trickler}'s thread; read by others
 * after that thread has ended.
 */
final class Attempt {
    final int slot;
    final InetAddress source;
    final byte[] header;
    SocketChannel channel;
    long connectStartNanos;
    /** When the connection was established; 0 if it never was. */
    long connectedNanos;
    /** When the close was seen; 0 while open. */
    long closedNanos;
    long nextWriteNanos;
    int bytesSent;
    long bytesReceived;
    /** The server closed it (end of stream, reset, or a write refused), rather than the harness at its end. */
    boolean closedByServer;
    /** It ended with a reset instead of an end of stream: still not a byte of response. */
    boolean reset;
    /** Why the connect failed, or null. */
    String connectError;

    Attempt(int slot, InetAddress source, byte[] header) {
        this.slot = slot;
        this.source = source;
        this.header = header;
    }

    boolean open() {
        return channel != null && closedNanos == 0;
    }

    /** @return close minus connect in nanoseconds, for connections the server closed */
    long closeDelayNanos() {
        return closedNanos - connectedNanos;
    }
}

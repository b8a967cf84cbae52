package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.ConnectionHandshake;
import io.github.proxyproto4j.core.Outcome;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint.NioSocketWrapper;
import org.apache.tomcat.util.net.SocketBufferHandler;

/**
 * A plaintext NIO channel whose "handshake" is the PROXY header. It reads non-blockingly on a worker thread
 * straight into the socket's read buffer, feeds the core {@link ConnectionHandshake}, and leaves the bytes
 * after the header where the HTTP processor reads first. Channels are pooled: {@link #reset} forgets the
 * previous connection entirely.
 */
final class ProxyProtocolNioChannel extends NioChannel {
    /** {@link #step()}: the outcome is decided and the connection goes on. */
    static final int DONE = 0;
    /** {@link #step()}: more bytes are needed; register read interest. */
    static final int NEED_READ = SelectionKey.OP_READ;
    /** {@link #step()}: refused; close without writing. */
    static final int REFUSED = -1;

    private ConnectionHandshake handshake;
    private boolean complete;

    ProxyProtocolNioChannel(SocketBufferHandler bufHandler) {
        super(bufHandler);
    }

    @Override
    public void reset(SocketChannel channel, NioSocketWrapper socketWrapper) throws IOException {
        super.reset(channel, socketWrapper);
        handshake = null;
        complete = false;
    }

    /** Starts the handshake the endpoint opened at accept. */
    void start(ConnectionHandshake handshake) {
        this.handshake = handshake;
        this.complete = false;
    }

    ConnectionHandshake handshake() {
        return handshake;
    }

    @Override
    public boolean isHandshakeComplete() {
        return complete;
    }

    /** Only reached if Tomcat drives the handshake itself; the endpoint's processor normally calls {@link #step()}. */
    @Override
    public int handshake(boolean read, boolean write) throws IOException {
        int r = step();
        if (r == REFUSED) {
            throw new IOException("PROXY protocol: " + handshake.reason());
        }
        return r;
    }

    /**
     * Reads what is there, without blocking, and advances the handshake.
     *
     * @return {@link #DONE}, {@link #NEED_READ} or {@link #REFUSED}
     */
    int step() throws IOException {
        if (handshake == null) {
            throw new IllegalStateException("no handshake started on " + this);
        }
        SocketBufferHandler buffers = getBufHandler();
        while (!handshake.isDone()) {
            buffers.configureReadBufferForWrite();
            ByteBuffer in = buffers.getReadBuffer();
            int n = in.hasRemaining() ? sc.read(in) : 0;
            buffers.configureReadBufferForRead();
            if (n < 0) {
                handshake.onEndOfStream();
            } else if (n == 0) {
                if (handshake.checkDeadline()) {
                    break;
                }
                return NEED_READ;
            } else {
                handshake.onBytes(buffers.getReadBuffer()); // the header is consumed; what follows stays
            }
        }
        return finish();
    }

    /**
     * The connection ends before the outcome: Tomcat's read timeout (the header timeout, from accept) or an error.
     *
     * @param error the socket wrapper's error, if any
     */
    void abort(IOException error) {
        if (handshake != null && !handshake.isDone()) {
            if (error instanceof SocketTimeoutException) {
                handshake.onTimeout();
            } else {
                handshake.onEndOfStream();
            }
        }
    }

    private int finish() {
        if (handshake.outcome() == Outcome.REJECTED) {
            return REFUSED;
        }
        ((ProxyProtocolSocketWrapper) socketWrapper).onHandshakeDone(handshake);
        complete = true;
        return DONE;
    }

    @Override
    public void close() throws IOException {
        abort(null); // a close before the outcome, from any path, frees the max-pending slot
        super.close();
    }

    @Override
    public void free() {
        handshake = null;
        super.free();
    }

    @Override
    public String toString() {
        return super.toString() + ":" + handshake;
    }
}

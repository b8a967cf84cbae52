package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.ConnectionHandshake;
import io.github.proxyproto4j.core.Outcome;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
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
final class ProxyProtocolNioChannel extends NioChannel implements HeaderFirstChannel {

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

    @Override
    public void start(ConnectionHandshake handshake) {
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

    @Override
    public boolean headerComplete() {
        return complete;
    }

    /** Only reached if Tomcat drives the handshake itself; the endpoint's processor normally calls {@link #headerStep()}. */
    @Override
    public int handshake(boolean read, boolean write) throws IOException {
        int r = headerStep();
        if (r == REFUSED) {
            throw new IOException("PROXY protocol: " + handshake.reason());
        }
        return r;
    }

    @Override
    public int headerStep() throws IOException {
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

    @Override
    public void abort(IOException error) {
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

package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.ConnectionHandshake;
import io.github.proxyproto4j.core.Outcome;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.NioEndpoint.NioSocketWrapper;
import org.apache.tomcat.util.net.SecureNioChannel;
import org.apache.tomcat.util.net.SocketBufferHandler;

/**
 * A TLS channel (JSSE) whose connection starts with a cleartext PROXY header before the ClientHello. The
 * header is read into the network input buffer and removed from it; whatever followed it in the same
 * segment (the start of the ClientHello, or all of it) stays there for the TLS handshake, which then runs
 * as Tomcat's own.
 */
final class ProxyProtocolSecureNioChannel extends SecureNioChannel implements HeaderFirstChannel {
    private ConnectionHandshake handshake;
    private boolean headerDone;

    ProxyProtocolSecureNioChannel(SocketBufferHandler bufHandler, NioEndpoint endpoint) {
        super(bufHandler, endpoint);
    }

    @Override
    public void reset(SocketChannel channel, NioSocketWrapper socketWrapper) throws IOException {
        super.reset(channel, socketWrapper);
        handshake = null;
        headerDone = false;
    }

    @Override
    public void start(ConnectionHandshake handshake) {
        this.handshake = handshake;
        this.headerDone = false;
    }

    @Override
    public boolean headerComplete() {
        return headerDone;
    }

    /** If Tomcat drives the handshake itself, the header still comes first. */
    @Override
    public int handshake(boolean read, boolean write) throws IOException {
        if (!headerDone) {
            int r = headerStep();
            if (r == REFUSED) {
                throw new IOException("PROXY protocol: " + handshake.reason());
            }
            if (r != DONE) {
                return r;
            }
        }
        return super.handshake(read, write);
    }

    @Override
    public int headerStep() throws IOException {
        if (handshake == null) {
            throw new IllegalStateException("no handshake started on " + this);
        }
        while (!handshake.isDone()) {
            int n = netInBuffer.hasRemaining() ? sc.read(netInBuffer) : 0; // netInBuffer is in write mode
            if (n < 0) {
                handshake.onEndOfStream();
                break;
            }
            if (n == 0) {
                if (handshake.checkDeadline()) {
                    break;
                }
                return NEED_READ;
            }
            ByteBuffer view = netInBuffer.duplicate().flip();
            handshake.onBytes(view);
            if (handshake.isDone()) {
                dropFront(view.position()); // the header goes; the ClientHello bytes after it stay
            } else if (handshake.readsHeader()) {
                netInBuffer.clear(); // the decoder kept what it needs
            }
        }
        if (handshake.outcome() == Outcome.REJECTED) {
            return REFUSED;
        }
        ((ProxyProtocolSocketWrapper) socketWrapper).onHandshakeDone(handshake);
        headerDone = true;
        return DONE;
    }

    private void dropFront(int consumed) {
        netInBuffer.flip();
        netInBuffer.position(consumed);
        netInBuffer.compact();
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

    @Override
    public void close() throws IOException {
        abort(null);
        super.close();
    }

    @Override
    public void close(boolean force) throws IOException {
        abort(null);
        super.close(force);
    }

    @Override
    public void free() {
        handshake = null;
        super.free();
    }
}

package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.core.ConnectionHandshake;
import io.github.proxyproto4j.core.Outcome;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a connection's first bytes until the core {@link ConnectionHandshake} decides, then upgrades to the
 * next protocol with the decided addresses, or closes without a byte of response. Glue only: every byte
 * is judged by {@code proxyproto4j-core}.
 */
final class ProxyProtocolConnection extends AbstractConnection implements Connection.UpgradeFrom,
        Connection.UpgradeTo {
    private final Connector connector;
    private final ConnectionFactory next;
    private final ConnectionHandshake handshake;
    /**
     * Bytes read but not yet judged (mixed-mode detection) or following the header; flush mode. Empty and without
     * storage while waiting for bytes: a connection that trickles its header must not hold a read buffer.
     */
    private ByteBuffer buffer = BufferUtil.EMPTY_BUFFER;
    private final int bufferSize;
    /** Guards the handshake: the header timeout fires on a scheduler thread. */
    private final Object lock = new Object();
    private Scheduler.Task deadline;

    ProxyProtocolConnection(EndPoint endPoint, Connector connector, ConnectionFactory next,
            ConnectionHandshake handshake, int bufferSize) {
        super(endPoint, connector.getExecutor());
        this.connector = connector;
        this.next = next;
        this.handshake = handshake;
        this.bufferSize = Math.max(bufferSize, 512);
    }

    ConnectionHandshake handshake() {
        return handshake;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        synchronized (lock) {
            if (handshake.isDone()) { // refused at accept: untrusted peer, or too many pending
                closeWithoutResponse();
                return;
            }
            if (handshake.readsHeader()) {
                long delay = Math.max(0, handshake.deadlineNanos() - System.nanoTime());
                deadline = connector.getScheduler().schedule(this::onDeadline, delay, TimeUnit.NANOSECONDS);
            }
        }
        if (buffer.hasRemaining()) {
            onFillable(); // bytes handed over by a previous connection
        } else {
            fillInterested();
        }
    }

    @Override
    public void onUpgradeTo(ByteBuffer prefilled) {
        if (BufferUtil.hasContent(prefilled)) {
            buffer = BufferUtil.allocate(Math.max(bufferSize, prefilled.remaining()));
            BufferUtil.append(buffer, prefilled);
        }
    }

    @Override
    public void onFillable() {
        try {
            while (true) {
                boolean judged = buffer.hasRemaining() && judge();
                if (judged) {
                    return;
                }
                if (buffer.capacity() == 0) {
                    buffer = BufferUtil.allocate(bufferSize);
                }
                int filled = getEndPoint().fill(buffer);
                if (filled < 0) {
                    synchronized (lock) {
                        handshake.onEndOfStream();
                    }
                    finish();
                    return;
                }
                if (filled == 0) {
                    if (!buffer.hasRemaining()) {
                        buffer = BufferUtil.EMPTY_BUFFER; // wait without it
                    }
                    fillInterested();
                    return;
                }
            }
        } catch (Throwable x) {
            synchronized (lock) {
                handshake.onEndOfStream(); // a read error before the header: no header
            }
            closeWithoutResponse();
        }
    }

    /** @return whether the handshake is decided (and the connection upgraded or closed) */
    private boolean judge() {
        boolean done;
        synchronized (lock) {
            if (handshake.isDone()) {
                return true; // the deadline won the race
            }
            done = handshake.onBytes(buffer);
        }
        if (done) {
            finish();
            return true;
        }
        if (handshake.readsHeader()) {
            BufferUtil.clear(buffer); // the decoder keeps what it needs; the buffer is free again
        }
        return false;
    }

    private void finish() {
        if (deadline != null) {
            deadline.cancel();
        }
        Outcome outcome = handshake.outcome();
        if (outcome == Outcome.REJECTED) {
            closeWithoutResponse();
            return;
        }
        EndPoint endPoint = getEndPoint();
        EndPoint seen = outcome == Outcome.DIRECT ? endPoint : new ProxyProtocolEndPoint(endPoint, handshake);
        Connection nextConnection = next.newConnection(connector, seen);
        seen.upgrade(nextConnection);
    }

    private void onDeadline() {
        boolean expired;
        synchronized (lock) {
            expired = handshake.onTimeout();
        }
        if (expired) {
            closeWithoutResponse();
        }
    }

    /** Closing without writing: the client sees EOF, never a status line. */
    private void closeWithoutResponse() {
        BufferUtil.clear(buffer);
        getEndPoint().close();
    }

    @Override
    public ByteBuffer onUpgradeFrom() {
        if (!buffer.hasRemaining()) {
            return null;
        }
        ByteBuffer rest = BufferUtil.allocateDirect(buffer.remaining());
        BufferUtil.append(rest, buffer);
        BufferUtil.clear(buffer);
        return rest;
    }

    @Override
    public void onClose(Throwable cause) {
        synchronized (lock) {
            if (!handshake.isDone()) {
                handshake.onEndOfStream(); // closed by idle timeout or shutdown before a header: frees the slot
            }
        }
        if (deadline != null) {
            deadline.cancel();
        }
        super.onClose(cause);
    }

    @Override
    public String toConnectionString() {
        return String.format("%s@%x{%s}", getClass().getSimpleName(), hashCode(), handshake);
    }
}

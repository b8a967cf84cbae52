package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.core.ConnectionHandshake;
import io.github.proxyproto4j.core.Outcome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a connection's first bytes until the core {@link ConnectionHandshake} decides, then upgrades to the
 * next protocol with the decided addresses, or closes without a byte of response. Glue only: every byte
 * is judged by {@code proxyproto4j-core}.
 *
 * <p>Non-blocking: reading and judging the header never blocks, so it runs on the selector thread, as a plain
 * connection's first read does; the next connection then dispatches once, as a plain one would, instead of a
 * second hand-off to the executor on every new connection.
 */
final class ProxyProtocolConnection extends AbstractConnection.NonBlocking implements Connection.UpgradeFrom,
        Connection.UpgradeTo {
    /** Enough for mixed-mode detection (a 12-byte v2 signature) in any single read. */
    static final int MIN_READ_SIZE = 16;

    private final Connector connector;
    private final ByteBufferPool pool;
    private final ConnectionFactory next;
    private final ConnectionHandshake handshake;
    private final int readSize;
    /**
     * Guards the handshake and the buffer: the header timeout fires on a scheduler thread, and an idle timeout or a
     * stop may close the connection on any thread, never while a read is using the buffer.
     */
    private final Object lock = new Object();
    /**
     * The pooled buffer behind {@link #window}; null while waiting for bytes, so that a connection trickling its
     * header holds none, and released on every way out (handoff, close, timeout, refusal).
     */
    private RetainableByteBuffer pooled;
    /**
     * Bytes read but not yet judged (mixed-mode detection) or following the header, flush mode; at most
     * {@link #readSize} bytes even if the pool gave more, because they are handed to the next connection.
     */
    private ByteBuffer window;
    private boolean closed;
    private Scheduler.Task deadline;

    /** What one step of reading decided. */
    private enum Step { AGAIN, WAIT, DECIDED, GONE }

    /**
     * @param readSize the most one read takes, at most what the next connection can take over
     */
    ProxyProtocolConnection(EndPoint endPoint, Connector connector, ConnectionFactory next,
            ConnectionHandshake handshake, int readSize) {
        super(endPoint, connector.getExecutor());
        this.connector = connector;
        this.pool = connector.getByteBufferPool();
        this.next = next;
        this.handshake = handshake;
        this.readSize = Math.max(readSize, MIN_READ_SIZE);
    }

    ConnectionHandshake handshake() {
        return handshake;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        boolean prefilled;
        synchronized (lock) {
            if (handshake.isDone()) { // refused at accept: untrusted peer, or too many pending
                closeWithoutResponse();
                return;
            }
            if (handshake.readsHeader()) {
                long delay = Math.max(0, handshake.deadlineNanos() - System.nanoTime());
                deadline = connector.getScheduler().schedule(this::onDeadline, delay, TimeUnit.NANOSECONDS);
            }
            prefilled = window != null && window.hasRemaining();
        }
        if (prefilled) {
            onFillable(); // bytes handed over by a previous connection
        } else {
            fillInterested();
        }
    }

    @Override
    public void onUpgradeTo(ByteBuffer prefilled) {
        if (BufferUtil.hasContent(prefilled)) {
            synchronized (lock) {
                acquire(Math.max(readSize, prefilled.remaining()));
                BufferUtil.append(window, prefilled);
            }
        }
    }

    @Override
    public void onFillable() {
        try {
            while (true) {
                Step step;
                synchronized (lock) {
                    step = readAndJudge();
                }
                switch (step) {
                    case AGAIN:
                        continue;
                    case WAIT:
                        fillInterested();
                        return;
                    case DECIDED:
                        finish();
                        return;
                    default:
                        return;
                }
            }
        } catch (Throwable x) {
            synchronized (lock) {
                if (!handshake.isDone()) {
                    handshake.onEndOfStream(); // a read error before the header: no header
                }
            }
            closeWithoutResponse();
        }
    }

    /** One judgement of the bytes held, then one read; under the lock. */
    private Step readAndJudge() throws IOException {
        if (closed || handshake.isDone()) {
            return Step.GONE; // closed, or the deadline won the race
        }
        if (window != null && window.hasRemaining()) {
            if (handshake.onBytes(window)) {
                return Step.DECIDED;
            }
            if (handshake.readsHeader()) {
                BufferUtil.clear(window); // the decoder keeps what it needs; the buffer is free again
            }
        }
        if (window == null) {
            acquire(readSize);
        }
        int filled = getEndPoint().fill(window);
        if (filled < 0) {
            handshake.onEndOfStream();
            return Step.DECIDED;
        }
        if (filled == 0) {
            if (!window.hasRemaining()) {
                release(); // wait without it
            }
            return Step.WAIT;
        }
        return Step.AGAIN;
    }

    /** Takes a pooled buffer and a window of exactly {@code size} bytes on it, empty, flush mode. */
    private void acquire(int size) {
        if (pooled == null) {
            pooled = pool.acquire(size, false);
            window = pooled.getByteBuffer().clear().slice(0, size);
            BufferUtil.clear(window);
        }
    }

    private void release() {
        if (pooled != null) {
            pooled.release();
            pooled = null;
            window = null;
        }
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
        synchronized (lock) {
            release();
        }
        getEndPoint().close();
    }

    /** A copy of the bytes after the header: the pooled buffer goes back now, before the next connection opens. */
    @Override
    public ByteBuffer onUpgradeFrom() {
        synchronized (lock) {
            ByteBuffer rest = null;
            if (window != null && window.hasRemaining()) {
                rest = BufferUtil.allocate(window.remaining());
                BufferUtil.append(rest, window);
            }
            release();
            return rest;
        }
    }

    @Override
    public void onClose(Throwable cause) {
        synchronized (lock) {
            closed = true;
            release();
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

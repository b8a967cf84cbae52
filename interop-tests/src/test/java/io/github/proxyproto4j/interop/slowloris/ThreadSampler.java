package io.github.proxyproto4j.interop.slowloris;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Samples the stacks of chosen server threads every 10 ms and sorts each sample: in a socket read (never allowed on
 * an acceptor or poller, blocking or not), in our code reading or decoding a header (never allowed there either),
 * in our other code (the accept-time bookkeeping: trust check, pending slot, wrapper), or elsewhere.
 */
final class ThreadSampler implements AutoCloseable {
    private static final String OURS = "io.github.proxyproto4j.";
    /** JDK frames that read from a socket. */
    private static final Set<String> SOCKET_READERS = Set.of("sun.nio.ch.SocketChannelImpl", "sun.nio.ch.NioSocketImpl",
            "sun.nio.ch.SocketDispatcher", "sun.nio.ch.IOUtil", "java.net.Socket$SocketInputStream",
            "sun.nio.ch.SocketInputStream");
    /** Our methods that read or decode a header; anything else of ours is bookkeeping. */
    private static final Set<String> OUR_READERS = Set.of("headerStep", "handshake", "onBytes", "decode", "onFillable",
            "doRun", "read", "fill");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long[] ids;
    private final List<String> names = new ArrayList<>();
    private final Thread sampler;
    private final Map<String, Long> ourFrames = new TreeMap<>();
    private final Map<String, Long> violationFrames = new TreeMap<>();
    private long samples;
    private long inOurCode;
    private long violations;
    private volatile boolean running = true;

    private ThreadSampler(Predicate<ThreadInfo> watched) {
        List<Long> chosen = new ArrayList<>();
        for (ThreadInfo t : threads.dumpAllThreads(false, false)) {
            if (t != null && watched.test(t)) {
                chosen.add(t.getThreadId());
                names.add(t.getThreadName());
            }
        }
        ids = chosen.stream().mapToLong(Long::longValue).toArray();
        sampler = new Thread(this::loop, "slowloris-thread-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /**
     * @param watched which live threads to sample, chosen once now
     * @return a running sampler
     */
    static ThreadSampler start(Predicate<ThreadInfo> watched) {
        return new ThreadSampler(watched);
    }

    private void loop() {
        long next = System.nanoTime();
        while (running) {
            ThreadInfo[] infos = threads.getThreadInfo(ids, Integer.MAX_VALUE);
            synchronized (this) {
                for (ThreadInfo info : infos) {
                    if (info != null) {
                        classify(info.getStackTrace());
                    }
                }
            }
            next += 10_000_000L;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime(); // behind (a busy machine): do not try to catch up
            }
        }
    }

    private void classify(StackTraceElement[] stack) {
        samples++;
        String ourTop = null;
        String violation = null;
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            if (violation == null && SOCKET_READERS.contains(c) && e.getMethodName().startsWith("read")) {
                violation = c + "." + e.getMethodName();
            }
            if (c.startsWith(OURS)) {
                if (ourTop == null) {
                    ourTop = c.substring(OURS.length()) + "." + e.getMethodName();
                }
                if (violation == null && (OUR_READERS.contains(e.getMethodName()) || c.endsWith("Parser")
                        || c.endsWith("ProxyHeaderDecoder"))) {
                    violation = c.substring(OURS.length()) + "." + e.getMethodName();
                }
            }
        }
        if (ourTop != null) {
            inOurCode++;
            ourFrames.merge(ourTop, 1L, Long::sum);
        }
        if (violation != null) {
            violations++;
            violationFrames.merge(violation, 1L, Long::sum);
        }
    }

    /** @return the names of the threads sampled */
    List<String> threadNames() {
        return List.copyOf(names);
    }

    /** @return the tally so far */
    synchronized Tally tally() {
        return new Tally(List.copyOf(names), samples, inOurCode, violations, Map.copyOf(ourFrames),
                Map.copyOf(violationFrames));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join(10_000);
    }

    /**
     * What the samples showed.
     *
     * @param threads the threads sampled
     * @param samples thread stacks looked at (one per thread per tick)
     * @param inOurCode stacks with a frame of ours
     * @param violations stacks in a socket read, or in our code reading or decoding a header
     * @param ourFrames the innermost frame of ours, by count
     * @param violationFrames the offending frame, by count
     */
    record Tally(List<String> threads, long samples, long inOurCode, long violations, Map<String, Long> ourFrames,
            Map<String, Long> violationFrames) {
    }
}

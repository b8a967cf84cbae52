package io.github.proxyproto4j.interop.slowloris;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The real client: {@code threads} loops, each sending GETs with {@code Connection: close} through HAProxy from
 * {@link #CLIENT_IP}, so every request is a new backend connection with a new PROXY header. A request counts as
 * served only if the answer is a 200 naming the client's own address.
 */
final class NormalClient implements AutoCloseable {
    /** Bound by the client only; nothing else in these runs uses it, so seeing it proves the header was applied. */
    static final String CLIENT_IP = "127.0.0.42";
    private static final byte[] REQUEST = "GET /slowloris HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final int port;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private volatile boolean running = true;

    private NormalClient(int port, int threadCount) {
        this.port = port;
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(this::loop, "slowloris-normal-client-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    /**
     * @param haproxyPort HAProxy's frontend
     * @param threadCount concurrent requests
     * @return a running client
     */
    static NormalClient start(int haproxyPort, int threadCount) {
        return new NormalClient(haproxyPort, threadCount);
    }

    /** @return the CPU time the client's threads have used so far, in nanoseconds */
    long cpuNanos() {
        long sum = 0;
        for (Thread t : threads) {
            sum += Math.max(0, java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId()));
        }
        return sum;
    }

    /** @return requests served with the right address so far */
    long served() {
        return served.get();
    }

    /** @return requests that failed so far */
    long failed() {
        return failed.get();
    }

    /** @return the first failure, or null */
    String firstFailure() {
        return firstFailure.get();
    }

    private void loop() {
        while (running) {
            try {
                String answer = exchange();
                if (answer.startsWith("HTTP/1.1 200") && answer.contains("client_address=" + CLIENT_IP + "\n")) {
                    served.incrementAndGet();
                } else {
                    fail("unexpected answer: " + answer);
                }
            } catch (IOException e) {
                if (running) {
                    fail(e.toString());
                }
            }
        }
    }

    private void fail(String why) {
        failed.incrementAndGet();
        firstFailure.compareAndSet(null, why);
    }

    private String exchange() throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(CLIENT_IP, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(REQUEST);
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Stops after the requests in flight. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(60_000);
        }
    }
}

package io.github.proxyproto4j.benchmarks.load;

import java.time.Duration;

/**
 * Runs one timed segment against one port: {@code threads} {@link LoadWorker}s share {@code connections}, a
 * settle period lets the connections open and the server's queues fill, then the window is measured. The
 * calling thread only samples CPU at the window's edges.
 */
final class LoadClient {
    private final int threads;

    LoadClient(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("client threads: " + threads);
        }
        this.threads = threads;
    }

    /**
     * @param portName the port's name, for the result
     * @param target where and what to send
     * @param mode churn or keep-alive
     * @param connections how many connections are open at any time
     * @param settle how long to run before the window starts
     * @param window the measured window
     * @param server the server's CPU time in nanoseconds and its threads' context switches
     * @return what the window measured
     * @throws IllegalStateException if a worker failed, or the server answered with a body other than expected
     */
    SegmentResult run(String portName, ClientTarget target, ConnectionMode mode, int connections, Duration settle,
            Duration window, ServerProbe server) throws InterruptedException {
        long start = System.nanoTime() + settle.toNanos();
        long end = start + window.toNanos();
        LoadWorker[] workers = new LoadWorker[threads];
        Thread[] running = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int share = connections / threads + (i < connections % threads ? 1 : 0);
            workers[i] = new LoadWorker(target, mode, share, start, end);
            running[i] = new Thread(workers[i], "load-client-" + i);
            running[i].start();
        }
        sleepUntil(start);
        long server0 = server.cpuNanos();
        long switches0 = server.contextSwitches();
        long client0 = clientCpu();
        sleepUntil(end);
        long server1 = server.cpuNanos();
        long switches1 = server.contextSwitches();
        long client1 = clientCpu();
        long requests = 0;
        long errors = 0;
        for (int i = 0; i < threads; i++) {
            running[i].join();
            LoadWorker w = workers[i];
            if (w.failure() != null) {
                throw new IllegalStateException("client thread failed against " + portName, w.failure());
            }
            if (w.firstBody() != null && !w.firstBody().equals(target.expectedBody())) {
                throw new IllegalStateException(portName + " answered remote address '" + w.firstBody()
                        + "', expected '" + target.expectedBody() + "': the PROXY header was not applied as sent");
            }
            requests += w.completed();
            errors += w.errors();
        }
        boolean cpuKnown = server0 >= 0 && server1 >= 0;
        return new SegmentResult(portName, requests, window.toNanos() / 1e9, errors,
                cpuKnown ? server1 - server0 : -1, client0 >= 0 ? client1 - client0 : -1,
                switches0 >= 0 && switches1 >= 0 ? switches1 - switches0 : -1);
    }

    /** What the client samples of the server at the window's edges. */
    interface ServerProbe {
        /** @return the server's CPU time so far in nanoseconds, or negative if unknown */
        long cpuNanos();

        /** @return its threads' context switches so far, or negative if unknown */
        long contextSwitches();
    }

    private static long clientCpu() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }
}

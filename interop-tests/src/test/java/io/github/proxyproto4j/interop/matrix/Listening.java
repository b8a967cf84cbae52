package io.github.proxyproto4j.interop.matrix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Waits until a child process listens on a TCP port, from /proc/net/tcp and tcp6, without connecting: a probe
 * connection would reach the application (or a tap) as a connection of its own.
 */
final class Listening {
    private Listening() {
    }

    /**
     * @param process the program that should listen
     * @param port the port
     * @param timeout how long to wait
     * @param log its output so far, for the failure message
     * @return true once it listens; false if it exited (e.g. the port was taken: the caller may try another)
     * @throws IOException if it neither listens nor exits within the timeout
     */
    static boolean await(Process process, int port, Duration timeout, Callable<String> log)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (listens(port)) {
                return true;
            }
            if (!process.isAlive()) {
                return false;
            }
            Thread.sleep(20);
        }
        throw new IOException(process.info().command().orElse("process") + " did not listen on " + port + " within "
                + timeout + ": " + output(log));
    }

    static String output(Callable<String> log) {
        try {
            return log.call();
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    static boolean listens(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st ...; 0A is LISTEN
                if (f.length > 3 && f[1].endsWith(hexPort) && "0A".equals(f[3])) {
                    return true;
                }
            }
        }
        return false;
    }
}

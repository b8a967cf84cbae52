package io.github.proxyproto4j.interop.slowloris;

import java.lang.management.ManagementFactory;

/** The heap in use once garbage is gone: a few full collections, then the platform's used-heap figure. */
final class HeapProbe {
    private HeapProbe() {
    }

    /** @return bytes of heap in use after collecting until the figure settles */
    static long usedAfterGc() throws InterruptedException {
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int i = 0; i < 8; i++) {
            System.gc();
            Thread.sleep(100);
            used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (i >= 2 && Math.abs(previous - used) < 64 * 1024) {
                break; // two collections in a row agree within 64 KiB
            }
            previous = used;
        }
        return used;
    }
}

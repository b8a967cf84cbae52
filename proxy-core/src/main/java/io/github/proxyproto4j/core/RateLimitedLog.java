package io.github.proxyproto4j.core;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Logs rejections through {@link System.Logger} at most once per {@link Reason} per interval, each line
 * carrying how many happened since the previous one. Never a stack trace: under attack a line per
 * connection would be the attack's amplifier.
 */
public final class RateLimitedLog {
    /** Default interval between two lines for the same reason. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    private final System.Logger logger;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Map<Reason, Slot> slots = new EnumMap<>(Reason.class);

    /** Per reason: events not yet reported, and when the last line was written. */
    private static final class Slot {
        final AtomicLong unreported = new AtomicLong();
        final AtomicLong lastLine = new AtomicLong(Long.MIN_VALUE);
    }

    /**
     * Logs to {@code io.github.proxyproto4j} every {@link #DEFAULT_INTERVAL} at most.
     */
    public RateLimitedLog() {
        this(System.getLogger("io.github.proxyproto4j"), DEFAULT_INTERVAL, System::nanoTime);
    }

    /**
     * @param logger where lines go
     * @param interval the shortest time between two lines for the same reason
     * @param nanoTime the clock, {@code System::nanoTime} outside tests
     */
    public RateLimitedLog(System.Logger logger, Duration interval, LongSupplier nanoTime) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.intervalNanos = interval.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        for (Reason r : Reason.values()) {
            slots.put(r, new Slot());
        }
    }

    /**
     * Counts a rejection and writes a line if the interval for its reason has passed.
     *
     * @param reason why the connection was rejected
     * @param peer the peer's address as text, for the line (never a metric tag)
     * @return whether a line was written
     */
    public boolean rejected(Reason reason, Object peer) {
        Slot slot = slots.get(reason);
        slot.unreported.incrementAndGet();
        long now = nanoTime.getAsLong();
        long last = slot.lastLine.get();
        if (last != Long.MIN_VALUE && now - last < intervalNanos) {
            return false;
        }
        if (!slot.lastLine.compareAndSet(last, now)) {
            return false; // another thread writes this interval's line
        }
        long count = slot.unreported.getAndSet(0);
        if (logger.isLoggable(Level.WARNING)) {
            logger.log(Level.WARNING, "PROXY protocol: closed {0,number,#} connection(s) for {1} since the last report "
                    + "(last from {2}); next report for this reason in {3,number,#}s at the earliest",
                    count, reason, peer, intervalNanos / 1_000_000_000L);
        }
        return true;
    }
}

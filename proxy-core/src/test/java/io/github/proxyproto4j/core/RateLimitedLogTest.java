package io.github.proxyproto4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.MessageFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

    /** Records lines and whether a throwable came with them. */
    static final class Recorder implements System.Logger {
        final List<String> lines = new ArrayList<>();
        final List<Throwable> thrown = new ArrayList<>();

        @Override
        public String getName() {
            return "recorder";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
            this.thrown.add(thrown);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + MessageFormat.format(format, params));
        }

        @Override
        public void log(Level level, Supplier<String> msgSupplier) {
            lines.add(level + " " + msgSupplier.get());
        }
    }

    @Test
    void oneLinePerReasonPerIntervalCarryingTheCount() {
        Recorder r = new Recorder();
        AtomicLong clock = new AtomicLong(0);
        RateLimitedLog log = new RateLimitedLog(r, Duration.ofSeconds(60), clock::get);

        assertTrue(log.rejected(Reason.HEADER_TIMEOUT, "/192.0.2.1:1"));
        for (int i = 0; i < 999; i++) {
            clock.addAndGet(10_000_000L); // 10 ms apart: 9.99 s in all
            assertFalse(log.rejected(Reason.HEADER_TIMEOUT, "/192.0.2.1:1"));
        }
        assertTrue(log.rejected(Reason.BAD_PORT, "/192.0.2.2:2"), "each reason has its own interval");
        assertEquals(2, r.lines.size());
        assertTrue(r.lines.get(0).contains("closed 1 connection(s) for HEADER_TIMEOUT"), r.lines.get(0));
        assertTrue(r.lines.get(0).startsWith("WARNING"), r.lines.get(0));

        clock.addAndGet(60_000_000_000L);
        assertTrue(log.rejected(Reason.HEADER_TIMEOUT, "/192.0.2.3:3"));
        assertEquals(3, r.lines.size());
        assertTrue(r.lines.get(2).contains("closed 1000 connection(s) for HEADER_TIMEOUT"), r.lines.get(2));
        assertTrue(r.lines.get(2).contains("192.0.2.3"), r.lines.get(2));
        r.thrown.forEach(t -> assertNull(t, "never a stack trace"));
    }
}

package io.github.proxyproto4j.interop.slowloris;

import io.github.proxyproto4j.core.Outcome;
import io.github.proxyproto4j.core.ProxyProtocolListener;
import io.github.proxyproto4j.core.Reason;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The most connections that waited for a header at once, summed from the policy's pending events. Each event is
 * told right after the policy's own compare-and-set, so the sum is exact when acquisitions and releases do not race
 * (the capping checks open their connections in one burst, long before the first timeout frees a slot); while they
 * race it may be off by the events in flight, either way.
 */
final class PeakPending implements ProxyProtocolListener {
    private final AtomicInteger now = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    @Override
    public void onOutcome(Outcome outcome, Reason reason) {
        // only pending changes matter here; the counters count outcomes
    }

    @Override
    public void onPendingChanged(int delta) {
        int v = now.addAndGet(delta);
        peak.accumulateAndGet(v, Math::max);
    }

    /** @return the peak since the last {@link #reset()} */
    int peak() {
        return peak.get();
    }

    /** @return waiting now */
    int now() {
        return now.get();
    }

    /** Starts a new peak from the present count. */
    void reset() {
        peak.set(now.get());
    }
}

package io.github.proxyproto4j.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** A {@link ProxyProtocolListener} that counts outcomes, reasons and pending connections; thread-safe. */
public final class ProxyProtocolCounters implements ProxyProtocolListener, ProxyProtocolCountersMXBean {
    private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
    private final Map<Reason, LongAdder> reasons = new EnumMap<>(Reason.class);
    private final AtomicLong pending = new AtomicLong();

    /** Creates counters at zero. */
    public ProxyProtocolCounters() {
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new LongAdder());
        }
        for (Reason r : Reason.values()) {
            reasons.put(r, new LongAdder());
        }
    }

    @Override
    public void onOutcome(Outcome outcome, Reason reason) {
        outcomes.get(outcome).increment();
        if (outcome == Outcome.REJECTED) {
            reasons.get(reason).increment();
        }
    }

    @Override
    public void onPendingChanged(int delta) {
        pending.addAndGet(delta);
    }

    /**
     * @param outcome an outcome
     * @return how many connections ended so
     */
    public long count(Outcome outcome) {
        return outcomes.get(outcome).sum();
    }

    /**
     * @param reason a reason
     * @return how many connections were rejected for it
     */
    public long rejected(Reason reason) {
        return reasons.get(reason).sum();
    }

    @Override
    public long getAccepted() {
        return count(Outcome.ACCEPTED);
    }

    @Override
    public long getLocal() {
        return count(Outcome.LOCAL);
    }

    @Override
    public long getIgnored() {
        return count(Outcome.IGNORED);
    }

    @Override
    public long getDirect() {
        return count(Outcome.DIRECT);
    }

    @Override
    public long getRejected() {
        return count(Outcome.REJECTED);
    }

    @Override
    public long getPending() {
        return pending.get();
    }

    @Override
    public Map<String, Long> getRejectedByReason() {
        Map<String, Long> out = new TreeMap<>();
        reasons.forEach((r, n) -> {
            long v = n.sum();
            if (v > 0) {
                out.put(r.name(), v);
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return "ProxyProtocolCounters{accepted=" + getAccepted() + ", local=" + getLocal() + ", ignored="
                + getIgnored() + ", direct=" + getDirect() + ", rejected=" + getRejected() + " "
                + getRejectedByReason() + ", pending=" + getPending() + '}';
    }
}

package io.github.proxyproto4j.interop.hardening;

import io.github.proxyproto4j.core.Outcome;
import io.github.proxyproto4j.core.Reason;
import java.util.EnumMap;
import java.util.Map;

/**
 * A receiver's outcome counters at one moment (or the difference of two): connections per {@link Outcome}, and
 * rejected connections per {@link Reason}.
 *
 * @param outcomes count per outcome; missing means 0
 * @param rejected count per reason of the rejected ones; missing means 0
 */
record Counts(Map<Outcome, Long> outcomes, Map<Reason, Long> rejected) {
    Counts {
        outcomes = Map.copyOf(outcomes);
        rejected = Map.copyOf(rejected);
    }

    long outcome(Outcome o) {
        return outcomes.getOrDefault(o, 0L);
    }

    long rejected(Reason r) {
        return rejected.getOrDefault(r, 0L);
    }

    /** @return every outcome counted, all reasons together */
    long total() {
        return outcomes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return this minus an earlier snapshot, only what changed */
    Counts minus(Counts earlier) {
        Map<Outcome, Long> o = new EnumMap<>(Outcome.class);
        for (Outcome x : Outcome.values()) {
            long d = outcome(x) - earlier.outcome(x);
            if (d != 0) {
                o.put(x, d);
            }
        }
        Map<Reason, Long> r = new EnumMap<>(Reason.class);
        for (Reason x : Reason.values()) {
            long d = rejected(x) - earlier.rejected(x);
            if (d != 0) {
                r.put(x, d);
            }
        }
        return new Counts(o, r);
    }

    /** @return the change one rejected connection should make */
    static Counts oneRejected(Reason reason) {
        return new Counts(Map.of(Outcome.REJECTED, 1L), Map.of(reason, 1L));
    }

    /** @return the change some connections with one outcome (not rejected) should make */
    static Counts of(Outcome outcome, long n) {
        return new Counts(n == 0 ? Map.of() : Map.of(outcome, n), Map.of());
    }

    @Override
    public String toString() {
        Map<Outcome, Long> o = new EnumMap<>(Outcome.class);
        o.putAll(outcomes);
        Map<Reason, Long> r = new EnumMap<>(Reason.class);
        r.putAll(rejected);
        return o + (r.isEmpty() ? "" : " by reason " + r);
    }
}

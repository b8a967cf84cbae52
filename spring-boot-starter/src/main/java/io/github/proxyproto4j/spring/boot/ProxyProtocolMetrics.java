package io.github.proxyproto4j.spring.boot;

import io.github.proxyproto4j.core.Outcome;
import io.github.proxyproto4j.core.ProxyProtocolListener;
import io.github.proxyproto4j.core.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Binds outcomes to Micrometer: counter {@code proxy.protocol.connections} tagged {@code outcome} and
 * {@code reason} (lower case, {@code none} unless rejected), gauge {@code proxy.protocol.pending}. Never a tag
 * with an address: that would explode cardinality.
 */
public class ProxyProtocolMetrics implements ProxyProtocolListener {
    /** The connections counter. */
    public static final String CONNECTIONS = "proxy.protocol.connections";
    /** The pending gauge. */
    public static final String PENDING = "proxy.protocol.pending";

    private final MeterRegistry registry;
    private final Map<Outcome, Counter> accepted = new EnumMap<>(Outcome.class);
    private final Map<Reason, Counter> rejected = new ConcurrentHashMap<>();
    private final AtomicLong pending = new AtomicLong();

    /**
     * @param registry where the meters go
     */
    public ProxyProtocolMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Outcome o : Outcome.values()) {
            if (o != Outcome.REJECTED) {
                accepted.put(o, counter(o, Reason.NONE));
            }
        }
        Gauge.builder(PENDING, pending, AtomicLong::get)
                .description("Connections waiting for their PROXY header")
                .register(registry);
    }

    private Counter counter(Outcome outcome, Reason reason) {
        return Counter.builder(CONNECTIONS)
                .description("Connections by PROXY protocol outcome and reason")
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                .register(registry);
    }

    @Override
    public void onOutcome(Outcome outcome, Reason reason) {
        if (outcome == Outcome.REJECTED) {
            rejected.computeIfAbsent(reason, r -> counter(Outcome.REJECTED, r)).increment();
        } else {
            accepted.get(outcome).increment();
        }
    }

    @Override
    public void onPendingChanged(int delta) {
        pending.addAndGet(delta);
    }
}

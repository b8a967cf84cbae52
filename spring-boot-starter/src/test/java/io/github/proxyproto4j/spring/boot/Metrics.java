package io.github.proxyproto4j.spring.boot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Reads the starter's meters from a registry. */
final class Metrics {
    private Metrics() {
    }

    static double connections(MeterRegistry registry, String outcome, String reason) {
        Counter c = registry.find(ProxyProtocolMetrics.CONNECTIONS).tag("outcome", outcome).tag("reason", reason)
                .counter();
        return c == null ? 0 : c.count();
    }

    static double pending(MeterRegistry registry) {
        Gauge g = registry.find(ProxyProtocolMetrics.PENDING).gauge();
        if (g == null) {
            throw new AssertionError(ProxyProtocolMetrics.PENDING + " is not registered");
        }
        return g.value();
    }
}

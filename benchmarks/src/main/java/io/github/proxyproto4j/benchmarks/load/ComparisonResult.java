package io.github.proxyproto4j.benchmarks.load;

import java.util.List;
import java.util.Locale;

/**
 * A comparison's pairs and what they add up to: the median ratio with its interval, whether it reaches the goal,
 * and the absolute figures of each side.
 *
 * @param comparison what was compared
 * @param header the PROXY header version the PROXY ports got
 * @param connections concurrent client connections
 * @param pairs the A/B pairs in run order
 */
record ComparisonResult(Comparison comparison, HeaderVersion header, int connections, List<PairResult> pairs) {

    /** @return the median of the per-pair throughput ratios A/B and its interval */
    MedianInterval ratio() {
        return MedianInterval.of(pairs.stream().mapToDouble(PairResult::ratio).toArray(), LoadHarness.CONFIDENCE);
    }

    /** @return the median of the per-pair server-CPU-per-request ratios A/B and its interval */
    MedianInterval cpuPerRequestRatio() {
        return MedianInterval.of(pairs.stream().mapToDouble(PairResult::cpuPerRequestRatio).toArray(),
                LoadHarness.CONFIDENCE);
    }

    String summary() {
        MedianInterval r = ratio();
        MedianInterval cpu = cpuPerRequestRatio();
        Comparison c = comparison;
        return String.format(Locale.ROOT,
                "%-24s %s/%s = %.4f [%.4f, %.4f] (%.1f %%, n=%d) goal %.3f %s | %s %.0f req/s, %s %.0f req/s"
                        + " | server CPU/req %s/%s = %.4f | context switches/req %.2f/%.2f"
                        + " | client %.2f cores, server %.2f cores",
                c.id(), c.a().id(), c.b().id(), r.median(), r.low(), r.high(), 100 * r.coverage(), r.n(), c.goal(),
                r.reaches(c.goal()) ? "MET" : "MISSED",
                c.a().id(), LoadHarness.median(pairs, p -> p.a().requestsPerSecond()),
                c.b().id(), LoadHarness.median(pairs, p -> p.b().requestsPerSecond()),
                c.a().id(), c.b().id(), cpu.median(),
                LoadHarness.median(pairs, p -> p.a().serverContextSwitchesPerRequest()),
                LoadHarness.median(pairs, p -> p.b().serverContextSwitchesPerRequest()),
                LoadHarness.median(pairs, p -> (p.a().clientCores() + p.b().clientCores()) / 2),
                LoadHarness.median(pairs, p -> (p.a().serverCores() + p.b().serverCores()) / 2));
    }

    void writeTo(Json j) {
        Comparison c = comparison;
        MedianInterval r = ratio();
        MedianInterval cpu = cpuPerRequestRatio();
        j.field("id", c.id());
        j.field("server", c.server().id());
        j.field("mode", c.mode().id());
        j.field("header", header.name().toLowerCase(Locale.ROOT));
        j.field("connections", connections);
        j.field("a", c.a().id());
        j.field("b", c.b().id());
        j.field("goal", c.goal());
        j.begin("ratio");
        interval(j, r);
        j.field("met", r.reaches(c.goal()));
        j.end();
        j.begin("serverCpuPerRequestRatio");
        interval(j, cpu);
        j.end();
        j.field("aRequestsPerSecondMedian", LoadHarness.median(pairs, p -> p.a().requestsPerSecond()));
        j.field("bRequestsPerSecondMedian", LoadHarness.median(pairs, p -> p.b().requestsPerSecond()));
        j.field("aServerCpuMicrosPerRequestMedian", LoadHarness.median(pairs, p -> p.a().serverCpuMicrosPerRequest()));
        j.field("bServerCpuMicrosPerRequestMedian", LoadHarness.median(pairs, p -> p.b().serverCpuMicrosPerRequest()));
        j.field("aServerContextSwitchesPerRequestMedian",
                LoadHarness.median(pairs, p -> p.a().serverContextSwitchesPerRequest()));
        j.field("bServerContextSwitchesPerRequestMedian",
                LoadHarness.median(pairs, p -> p.b().serverContextSwitchesPerRequest()));
        j.field("clientCoresMedian", LoadHarness.median(pairs, p -> (p.a().clientCores() + p.b().clientCores()) / 2));
        j.field("serverCoresMedian", LoadHarness.median(pairs, p -> (p.a().serverCores() + p.b().serverCores()) / 2));
        j.array("pairs");
        for (PairResult p : pairs) {
            j.arrayObject();
            j.field("order", p.aFirst() ? "AB" : "BA");
            j.field("ratio", p.ratio());
            segment(j.begin("a"), p.a());
            j.end();
            segment(j.begin("b"), p.b());
            j.end();
            j.end();
        }
        j.endArray();
    }

    private static void interval(Json j, MedianInterval r) {
        j.field("median", r.median());
        j.field("low", r.low());
        j.field("high", r.high());
        j.field("coverage", r.coverage());
        j.field("n", r.n());
    }

    private static void segment(Json j, SegmentResult s) {
        j.field("requests", s.requests());
        j.field("seconds", s.seconds());
        j.field("requestsPerSecond", s.requestsPerSecond());
        j.field("errors", s.errors());
        j.field("serverCpuMicrosPerRequest", s.serverCpuMicrosPerRequest());
        j.field("serverCores", s.serverCores());
        j.field("clientCores", s.clientCores());
        j.field("serverContextSwitchesPerRequest", s.serverContextSwitchesPerRequest());
    }
}

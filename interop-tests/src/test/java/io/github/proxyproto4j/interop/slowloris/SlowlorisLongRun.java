package io.github.proxyproto4j.interop.slowloris;

import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.core.Reason;
import io.github.proxyproto4j.interop.ExternalTool;
import io.github.proxyproto4j.interop.Haproxy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The measured slowloris run, not part of {@code verify} (its name does not end in Test, and it needs
 * {@code -Dslowloris.full=true}):
 *
 * <pre>
 * ./mvnw -B -pl interop-tests -am verify -Dtest=SlowlorisLongRun -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dslowloris.full=true [-Dslowloris.connections=2000] [-Dslowloris.adapters=jetty,tomcat]
 * </pre>
 *
 * <p>Per adapter, started in this JVM: N trusted peers trickle a PROXY header one byte per second, reconnecting as
 * they are closed, while a real client goes through HAProxy 2.6 ({@code send-proxy-v2}); the same client without the
 * attack is measured in interleaved phases. Then max-pending below N with a burst of N, then the heap a waiting
 * connection retains over an idle plain one. Results: {@code interop-tests/target/slowloris/results.json} and a table
 * on standard output. It asserts only that the run could be made (no thresholds): the figures are for people.
 */
@EnabledIfSystemProperty(named = "slowloris.full", matches = "true")
class SlowlorisLongRun {
    private final int connections = Integer.getInteger("slowloris.connections", 2000);
    private final Duration headerTimeout = Duration.ofMillis(Long.getLong("slowloris.headerTimeoutMillis", 5000));
    private final Duration interval = Duration.ofMillis(Long.getLong("slowloris.intervalMillis", 1000));
    private final int rounds = Integer.getInteger("slowloris.rounds", 6);
    private final Duration phase = Duration.ofSeconds(Long.getLong("slowloris.phaseSeconds", 5));
    private final int clientThreads = Integer.getInteger("slowloris.clientThreads", 2);
    private final int heapConnections = Integer.getInteger("slowloris.heapConnections", 2000);
    private final int heapRepeats = Integer.getInteger("slowloris.heapRepeats", 5);
    private final List<String> adapters = Arrays.asList(System.getProperty("slowloris.adapters", "jetty,tomcat")
            .split(","));
    private final Path output = Path.of(System.getProperty("slowloris.output", "target/slowloris/results.json"));

    @Test
    void measure() throws Exception {
        ExternalTool.require("haproxy", "haproxy");
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("date", Instant.now().toString());
        results.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        results.put("cores", Runtime.getRuntime().availableProcessors());
        results.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        results.put("maxFileDescriptors", maxFileDescriptors());
        results.put("haproxy", haproxyVersion());
        results.put("haproxyMaxconn", 256);
        results.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        results.put("trustedProxies", Attackers.TRUSTED);
        results.put("note", "attackers are trusted peers (127.0.0.128/25, inside the trust list: the worst case, as"
                + " with trust-all); the real client 127.0.0.42 goes through HAProxy from 127.0.0.1");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("connections", connections);
        settings.put("headerTimeoutMillis", headerTimeout.toMillis());
        settings.put("trickleIntervalMillis", interval.toMillis());
        settings.put("rounds", rounds);
        settings.put("phaseSeconds", phase.toSeconds());
        settings.put("clientThreads", clientThreads);
        settings.put("heapConnections", heapConnections);
        settings.put("heapRepeats", heapRepeats);
        results.put("settings", settings);
        List<Map<String, Object>> perAdapter = new ArrayList<>();
        results.put("adapters", perAdapter);
        for (String name : adapters) {
            Adapter adapter = Adapter.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("adapter", name.trim());
            r.put("attack", attack(adapter));
            r.put("maxPendingCap", cap(adapter));
            r.put("heap", heap(adapter));
            perAdapter.add(r);
            write(results); // partial results survive a later failure
        }
        write(results);
        printTable(perAdapter);
    }

    /** The sustained attack with the real client's throughput, interleaved with phases without it. */
    private Map<String, Object> attack(Adapter adapter) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        int maxPending = connections + 1024; // above N: here every trickler must wait for its timeout
        try (ServerUnderTest server = adapter.start(Attackers.config(headerTimeout, maxPending), Duration.ofSeconds(30));
                Haproxy lb = Haproxy.start(server.proxyPort(), "send-proxy-v2");
                ThreadSampler sampler = ThreadSampler.start(server::watched);
                NormalClient client = NormalClient.start(lb.port(), clientThreads)) {
            ProxyProtocolCounters c = server.counters();
            Thread.sleep(5000); // warm-up: the JIT, HAProxy, the pools
            Map<String, Long> before = snapshot(c);
            List<Map<String, Object>> phases = new ArrayList<>();
            List<Double> baseline = new ArrayList<>();
            List<Double> underAttack = new ArrayList<>();
            List<Attempt> attempts = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                // A B, then B A, ...: a drift of the machine (other load, the JIT) falls on both sides alike
                boolean baselineFirst = round % 2 == 0;
                if (baselineFirst) {
                    baseline.add(baselinePhase(client, round, phases));
                }
                try (Trickler t = new Trickler(new InetSocketAddress("127.0.0.1", server.proxyPort()),
                        Attackers.sources(), AttackHeaders.both(), connections, interval, true)) {
                    t.start();
                    Thread.sleep(headerTimeout.plusSeconds(2).toMillis()); // ramp, first timeouts, reconnects
                    Map<String, Object> a = measure(client, t);
                    a.put("round", round);
                    a.put("attack", true);
                    phases.add(a);
                    underAttack.add((Double) a.get("requestsPerSecond"));
                    attempts.addAll(t.stop());
                }
                await(() -> c.getPending() == 0, Duration.ofSeconds(60), "pending back to 0: " + c);
                if (!baselineFirst) {
                    baseline.add(baselinePhase(client, round, phases));
                }
            }
            r.put("connections", connections);
            r.put("headerTimeoutMillis", headerTimeout.toMillis());
            r.put("maxPending", maxPending);
            r.put("closeDelay", closeDelays(attempts));
            r.put("counters", delta(before, snapshot(c)));
            double base = mean(baseline);
            double attacked = mean(underAttack);
            Map<String, Object> tp = new LinkedHashMap<>();
            tp.put("baselineRequestsPerSecond", base);
            tp.put("attackRequestsPerSecond", attacked);
            tp.put("ratioOfMeans", attacked / base);
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < baseline.size(); i++) {
                ratios.add(underAttack.get(i) / baseline.get(i)); // each round's two adjacent phases
            }
            tp.put("roundRatios", ratios);
            for (boolean underIt : new boolean[] {false, true}) {
                for (String key : new String[] {"serverAndSamplerCpuCores", "attackerCpuCores", "clientCpuCores"}) {
                    tp.put(key + (underIt ? "Attack" : "Baseline"), mean(phases.stream()
                            .filter(p -> p.get("attack").equals(underIt)).map(p -> (Double) p.get(key)).toList()));
                }
            }
            tp.put("ratio", Stats.median(ratios));
            tp.put("clientFailures", client.failed());
            tp.put("firstClientFailure", client.firstFailure());
            tp.put("phases", phases);
            r.put("throughput", tp);
            r.put("threads", threads(server, sampler.tally()));
        }
        return r;
    }

    private double baselinePhase(NormalClient client, int round, List<Map<String, Object>> phases)
            throws InterruptedException {
        Map<String, Object> b = measure(client, null);
        b.put("round", round);
        b.put("attack", false);
        phases.add(b);
        return (Double) b.get("requestsPerSecond");
    }

    /** One phase of the real client; during an attack, also how many tricklers were connected on average. */
    private Map<String, Object> measure(NormalClient client, Trickler attack) throws InterruptedException {
        long served0 = client.served();
        long failed0 = client.failed();
        long process0 = processCpuNanos();
        long client0 = client.cpuNanos();
        long attacker0 = attack == null ? 0 : attack.cpuNanos();
        long start = System.nanoTime();
        long end = start + phase.toNanos();
        long openSum = 0;
        int openSamples = 0;
        int openMin = Integer.MAX_VALUE;
        while (System.nanoTime() < end) {
            Thread.sleep(100);
            if (attack != null) {
                int open = attack.openNow();
                openSum += open;
                openSamples++;
                openMin = Math.min(openMin, open);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double process = (processCpuNanos() - process0) / 1e9;
        double clientCpu = (client.cpuNanos() - client0) / 1e9;
        double attackerCpu = attack == null ? 0 : (attack.cpuNanos() - attacker0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        // This JVM's CPU, in cores: all of it, the real client's threads, the attacker's thread, and the rest (the
        // server, the sampler): what the server spends on the attack is the rest's rise over the baseline.
        m.put("jvmCpuCores", process / seconds);
        m.put("clientCpuCores", clientCpu / seconds);
        m.put("attackerCpuCores", attackerCpu / seconds);
        m.put("serverAndSamplerCpuCores", (process - clientCpu - attackerCpu) / seconds);
        m.put("loadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        m.put("seconds", seconds);
        m.put("served", client.served() - served0);
        m.put("failed", client.failed() - failed0);
        m.put("requestsPerSecond", (client.served() - served0) / seconds);
        if (attack != null) {
            m.put("tricklersOpenMean", openSamples == 0 ? 0 : (double) openSum / openSamples);
            m.put("tricklersOpenMin", openMin);
        }
        return m;
    }

    /**
     * Close minus connect, from the moment the attacker called connect (an upper bound: it includes the time in the
     * accept queue), and from the moment it saw the connection established (which, in a burst, its single thread
     * may see late, so it can come out a little under the timeout).
     */
    private Map<String, Object> closeDelays(List<Attempt> attempts) {
        List<Double> delays = new ArrayList<>();
        List<Double> fromEstablished = new ArrayList<>();
        long connectErrors = 0;
        long bytesReceived = 0;
        long overGoal = 0;
        long early = 0;
        long abandoned = 0;
        double goalMillis = headerTimeout.toMillis() + 1500;
        for (Attempt a : attempts) {
            bytesReceived += a.bytesReceived;
            if (a.connectError != null) {
                connectErrors++;
            } else if (!a.closedByServer) {
                abandoned++; // still open when the phase ended: closed by the harness
            } else {
                double ms = (a.closedNanos - a.connectStartNanos) / 1e6;
                delays.add(ms);
                fromEstablished.add(a.closeDelayNanos() / 1e6);
                if (ms > goalMillis) {
                    overGoal++;
                }
                if (ms < headerTimeout.toMillis()) {
                    early++;
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempts", attempts.size());
        m.put("closedByServer", delays.size());
        m.put("stillOpenAtPhaseEnd", abandoned);
        m.put("connectErrors", connectErrors);
        m.put("responseBytes", bytesReceived);
        m.put("goalMillis", goalMillis);
        m.put("overGoal", overGoal);
        m.put("earlierThanTimeout", early);
        m.put("minMillis", Stats.quantile(delays, 0));
        m.put("p50Millis", Stats.quantile(delays, 0.5));
        m.put("p99Millis", Stats.quantile(delays, 0.99));
        m.put("maxMillis", Stats.quantile(delays, 1));
        m.put("fromEstablishedP99Millis", Stats.quantile(fromEstablished, 0.99));
        m.put("fromEstablishedMaxMillis", Stats.quantile(fromEstablished, 1));
        return m;
    }

    /** max-pending at N/2 and a burst of N: the peak of waiting connections, and what the real client saw. */
    private Map<String, Object> cap(Adapter adapter) throws Exception {
        int maxPending = Math.max(1, connections / 2);
        Map<String, Object> r = new LinkedHashMap<>();
        try (ServerUnderTest server = adapter.start(Attackers.config(headerTimeout, maxPending), Duration.ofSeconds(30));
                Haproxy lb = Haproxy.start(server.proxyPort(), "send-proxy-v2")) {
            ProxyProtocolCounters c = server.counters();
            Map<String, Long> before = snapshot(c);
            server.peakPending().reset();
            List<Attempt> attempts;
            long served;
            long failed;
            try (Trickler t = new Trickler(new InetSocketAddress("127.0.0.1", server.proxyPort()),
                    Attackers.sources(), AttackHeaders.both(), connections, interval, false)) {
                t.start();
                await(() -> t.openNow() + t.closedByServer() >= connections, Duration.ofSeconds(60), "burst");
                try (NormalClient client = NormalClient.start(lb.port(), clientThreads)) {
                    // while the slots are full: until the first tricklers time out
                    Thread.sleep(Math.max(500, headerTimeout.toMillis() - 2000));
                    client.close();
                    served = client.served();
                    failed = client.failed();
                }
                if (!t.awaitClosedByServer(connections, headerTimeout.plusSeconds(60))) {
                    throw new IllegalStateException("not all closed: " + t.closedByServer() + " of " + connections);
                }
                attempts = t.stop();
            }
            List<Double> refused = new ArrayList<>();
            List<Double> waited = new ArrayList<>();
            for (Attempt a : attempts) {
                if (a.closedByServer && a.connectError == null) {
                    double ms = (a.closedNanos - a.connectStartNanos) / 1e6;
                    (ms < headerTimeout.toMillis() / 2.0 ? refused : waited).add(ms);
                }
            }
            r.put("maxPending", maxPending);
            r.put("connections", connections);
            r.put("peakWaiting", server.peakPending().peak());
            r.put("counters", delta(before, snapshot(c)));
            r.put("countersNote", "TOO_MANY_PENDING includes the real client's HAProxy connections refused while the"
                    + " slots were full; accepted includes HAProxy's start-up probe");
            r.put("closedAtOnce", refused.size());
            r.put("closedAtOnceMaxMillis", Stats.quantile(refused, 1));
            r.put("closedAtTimeout", waited.size());
            r.put("closedAtTimeoutMaxMillis", Stats.quantile(waited, 1));
            r.put("responseBytes", attempts.stream().mapToLong(a -> a.bytesReceived).sum());
            r.put("realClientWhileSlotsFullServed", served);
            r.put("realClientWhileSlotsFullFailed", failed);
        }
        return r;
    }

    /** Heap retained by K connections holding a partial header, over K idle connections to the plain port. */
    private Map<String, Object> heap(Adapter adapter) throws Exception {
        int k = heapConnections;
        Duration long10 = Duration.ofMinutes(10);
        List<byte[]> partial = new ArrayList<>();
        for (byte[] h : AttackHeaders.both()) {
            partial.add(Arrays.copyOf(h, h.length - 6)); // most of a header: the decoder holds its most state
        }
        List<byte[]> nothing = List.of(new byte[0]);
        List<Double> perPlain = new ArrayList<>();
        List<Double> perProxyOverPlain = new ArrayList<>();
        List<Map<String, Object>> reps = new ArrayList<>();
        try (ServerUnderTest server = adapter.start(Attackers.config(long10, k + 1024), long10)) {
            ProxyProtocolCounters c = server.counters();
            // warm-up at full size: classes loaded, and the pools filled (Tomcat keeps closed connections' channels,
            // with their buffers, for the next ones), on both ports
            for (int w = 0; w < 2; w++) {
                try (IdleConnections idle = IdleConnections.open(server.plainPort(), k, Attackers.sources(), nothing);
                        IdleConnections waiting = IdleConnections.open(server.proxyPort(), k, Attackers.sources(),
                                partial)) {
                    await(() -> server.plainConnections() == k && c.getPending() == k, Duration.ofSeconds(60),
                            "warm-up");
                    Thread.sleep(500);
                }
                await(() -> server.plainConnections() == 0 && c.getPending() == 0, Duration.ofSeconds(60),
                        "warm-up closed");
            }
            for (int rep = 0; rep < heapRepeats; rep++) {
                long u0 = HeapProbe.usedAfterGc();
                long u1;
                try (IdleConnections idle = IdleConnections.open(server.plainPort(), k, Attackers.sources(), nothing)) {
                    await(() -> server.plainConnections() == k, Duration.ofSeconds(60), "plain connections");
                    Thread.sleep(1000);
                    u1 = HeapProbe.usedAfterGc();
                }
                await(() -> server.plainConnections() == 0, Duration.ofSeconds(60), "plain connections closed");
                long u2;
                try (IdleConnections waiting = IdleConnections.open(server.proxyPort(), k, Attackers.sources(), partial)) {
                    await(() -> c.getPending() == k, Duration.ofSeconds(60), "waiting connections");
                    Thread.sleep(1000); // their bytes read
                    u2 = HeapProbe.usedAfterGc();
                }
                await(() -> c.getPending() == 0, Duration.ofSeconds(60), "waiting connections closed");
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("usedBaseline", u0);
                m.put("usedWithPlain", u1);
                m.put("usedWithWaiting", u2);
                double plain = (u1 - u0) / (double) k;
                double over = (u2 - u1) / (double) k;
                m.put("plainBytesPerConnection", plain);
                m.put("waitingOverPlainBytesPerConnection", over);
                reps.add(m);
                perPlain.add(plain);
                perProxyOverPlain.add(over);
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("connections", k);
        r.put("partialHeaderBytes", List.of(partial.get(0).length, partial.get(1).length));
        r.put("plainBytesPerConnectionMedian", Stats.median(perPlain));
        r.put("waitingOverPlainBytesPerConnectionMedian", Stats.median(perProxyOverPlain));
        r.put("note", "plain = idle connection to the plain port, server and client side; waiting over plain ="
                + " the same number of connections to the PROXY port holding a partial header, minus plain"
                + " (client sockets cancel out)");
        r.put("repeats", reps);
        return r;
    }

    private static Map<String, Object> threads(ServerUnderTest server, ThreadSampler.Tally t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strict", server.watchedIsStrict());
        m.put("threads", t.threads());
        m.put("samples", t.samples());
        m.put("inOurCode", t.inOurCode());
        m.put("ourFrames", t.ourFrames());
        m.put("readingOrDecoding", t.violations());
        m.put("readingFrames", t.violationFrames());
        return m;
    }

    private static Map<String, Long> snapshot(ProxyProtocolCounters c) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("accepted", c.getAccepted());
        m.put("rejected", c.getRejected());
        for (Reason r : new Reason[] {Reason.HEADER_TIMEOUT, Reason.TOO_MANY_PENDING, Reason.NO_HEADER}) {
            m.put(r.name(), c.rejected(r));
        }
        return m;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> m = new LinkedHashMap<>();
        after.forEach((k, v) -> m.put(k, v - before.getOrDefault(k, 0L)));
        return m;
    }

    private static void await(BooleanSupplier condition, Duration guard, String what) throws InterruptedException {
        long end = System.nanoTime() + guard.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean o
                ? o.getProcessCpuTime() : 0;
    }

    private static long maxFileDescriptors() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                ? u.getMaxFileDescriptorCount() : -1;
    }

    private static String haproxyVersion() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ExternalTool.require("haproxy", "haproxy").toString(), "-v")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().findFirst().orElse("");
    }

    private void write(Map<String, Object> results) throws IOException {
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, Json.write(results), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private void printTable(List<Map<String, Object>> perAdapter) {
        StringBuilder out = new StringBuilder("\n[slowloris] results (" + output.toAbsolutePath() + ")\n");
        out.append(String.format("%-7s %5s %7s | %9s %9s %6s | %8s %8s %6s | %9s %9s | %9s %6s %6s | %8s %6s%n",
                "adapter", "N", "timeout", "maxClose", "p99Close", "over", "base/s", "attack/s", "ratio",
                "plainB/c", "waitB/c", "maxPend", "peak", "capped", "samples", "viol"));
        for (Map<String, Object> r : perAdapter) {
            Map<String, Object> a = (Map<String, Object>) r.get("attack");
            Map<String, Object> cd = (Map<String, Object>) a.get("closeDelay");
            Map<String, Object> tp = (Map<String, Object>) a.get("throughput");
            Map<String, Object> th = (Map<String, Object>) a.get("threads");
            Map<String, Object> cap = (Map<String, Object>) r.get("maxPendingCap");
            Map<String, Object> heap = (Map<String, Object>) r.get("heap");
            Map<String, Long> capCounters = (Map<String, Long>) cap.get("counters");
            out.append(String.format("%-7s %5d %6dms | %7.0fms %7.0fms %6d | %8.1f %8.1f %6.3f | %9.0f %9.0f | %9d %6d %6d |"
                            + " %8d %6d%n",
                    r.get("adapter"), a.get("connections"), a.get("headerTimeoutMillis"), cd.get("maxMillis"),
                    cd.get("p99Millis"), cd.get("overGoal"), tp.get("baselineRequestsPerSecond"),
                    tp.get("attackRequestsPerSecond"), tp.get("ratio"), heap.get("plainBytesPerConnectionMedian"),
                    heap.get("waitingOverPlainBytesPerConnectionMedian"), cap.get("maxPending"), cap.get("peakWaiting"),
                    capCounters.get(Reason.TOO_MANY_PENDING.name()), th.get("samples"), th.get("readingOrDecoding")));
        }
        System.out.print(out);
    }
}

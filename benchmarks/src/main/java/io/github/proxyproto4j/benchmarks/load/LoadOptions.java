package io.github.proxyproto4j.benchmarks.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The harness's parameters, from {@code --name=value} arguments; every one has a default, listed by
 * {@link #usage()}. The durations are explicit so a quieter machine can run longer.
 *
 * @param pairs A/B pairs per comparison
 * @param segment the measured window of each A and each B run
 * @param settle the unmeasured start of every run (connections open, queues fill)
 * @param warmup per port, before a comparison's first pair (JIT, pools); not measured; repeated until the port
 *        has answered once
 * @param churnConnections concurrent connections under churn
 * @param keepAliveConnections concurrent connections under keep-alive
 * @param clientThreads client selector threads
 * @param header the PROXY header version sent on PROXY ports
 * @param jettyHandler whether the Jetty server's handler is blocking (servlet-like) or non-blocking
 * @param only the comparisons to run (ids), empty for all
 * @param serverJvmArgs extra arguments for the forked server JVMs
 * @param out the JSON results file
 * @param logDir where the forked servers' logs go
 */
record LoadOptions(int pairs, Duration segment, Duration settle, Duration warmup, int churnConnections,
        int keepAliveConnections, int clientThreads, HeaderVersion header, JettyHandler jettyHandler, List<String> only,
        List<String> serverJvmArgs, Path out, Path logDir) {

    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("pairs", "10");
        DEFAULTS.put("segment-ms", "4000");
        DEFAULTS.put("settle-ms", "300");
        DEFAULTS.put("warmup-ms", "5000");
        DEFAULTS.put("churn-connections", "32");
        DEFAULTS.put("keepalive-connections", "32");
        DEFAULTS.put("client-threads", "1");
        DEFAULTS.put("header", "v2");
        DEFAULTS.put("jetty-handler", "blocking");
        DEFAULTS.put("only", "");
        DEFAULTS.put("server-jvm-args", "-Xms512m -Xmx512m");
        DEFAULTS.put("out", "benchmarks/results/load.json");
        DEFAULTS.put("log-dir", "benchmarks/target/load-logs");
    }

    static LoadOptions parse(String... args) {
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : null;
            if (name == null || !DEFAULTS.containsKey(name)) {
                throw new IllegalArgumentException("unknown argument: " + arg + "\n" + usage());
            }
            v.put(name, arg.substring(eq + 1));
        }
        List<String> only = v.get("only").isBlank() ? List.of() : Arrays.asList(v.get("only").split(","));
        for (String id : only) {
            if (Comparison.ALL.stream().noneMatch(c -> c.id().equals(id))) {
                throw new IllegalArgumentException("unknown comparison: " + id + "\n" + usage());
            }
        }
        List<String> jvm = new ArrayList<>();
        for (String a : v.get("server-jvm-args").trim().split("\\s+")) {
            if (!a.isEmpty()) {
                jvm.add(a);
            }
        }
        LoadOptions o = new LoadOptions(Integer.parseInt(v.get("pairs")), millis(v, "segment-ms"),
                millis(v, "settle-ms"), millis(v, "warmup-ms"), Integer.parseInt(v.get("churn-connections")),
                Integer.parseInt(v.get("keepalive-connections")), Integer.parseInt(v.get("client-threads")),
                HeaderVersion.of(v.get("header")), JettyHandler.of(v.get("jetty-handler")), only, jvm, Path.of(v.get("out")),
                Path.of(v.get("log-dir")));
        if (o.pairs < 1 || o.segment.isZero() || o.churnConnections < 1 || o.keepAliveConnections < 1) {
            throw new IllegalArgumentException("pairs, segment and connections must be positive\n" + usage());
        }
        return o;
    }

    private static Duration millis(Map<String, String> v, String name) {
        return Duration.ofMillis(Long.parseLong(v.get(name)));
    }

    static String usage() {
        StringBuilder s = new StringBuilder("arguments (all optional, --name=value):\n");
        DEFAULTS.forEach((k, d) -> s.append("  --").append(k).append('=').append(d).append('\n'));
        s.append("comparisons for --only (comma-separated):");
        Comparison.ALL.forEach(c -> s.append(' ').append(c.id()));
        return s.toString();
    }

    /** @return the comparisons to run */
    List<Comparison> comparisons() {
        return Comparison.ALL.stream().filter(c -> only.isEmpty() || only.contains(c.id())).toList();
    }

    /** @return how long the run takes, roughly (server starts excluded) */
    Duration estimate() {
        long perRun = segment.toMillis() + settle.toMillis();
        long perComparison = 2L * pairs * perRun + (warmup.isZero() ? 0 : 2 * (warmup.toMillis() + settle.toMillis()));
        return Duration.ofMillis(perComparison * comparisons().size());
    }
}

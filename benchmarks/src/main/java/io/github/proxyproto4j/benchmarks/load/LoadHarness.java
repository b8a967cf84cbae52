package io.github.proxyproto4j.benchmarks.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The load harness: for each {@link Comparison}, on one forked server holding both ports, runs {@code pairs}
 * A/B pairs of equal timed segments, alternating which side goes first, and reports the median of the per-pair
 * throughput ratios A/B with a distribution-free 95 % interval ({@link MedianInterval}). Writes JSON.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.proxyproto4j.benchmarks.load.LoadHarness [--name=value ...]
 * </pre>
 *
 * See {@link LoadOptions#usage()} for the parameters and docs/benchmarks.md for the method.
 */
public final class LoadHarness {
    /** The client's address: not 127.0.0.1, so a plain port's answer cannot be mistaken for a default. */
    static final String CLIENT_BIND = "127.0.0.42";
    static final double CONFIDENCE = 0.95;
    private static final Duration WARM_UP_LIMIT = Duration.ofMinutes(1);

    private LoadHarness() {
    }

    /**
     * @param args {@code --name=value} options
     * @throws Exception if a server does not start, a run fails, or the results cannot be written
     */
    public static void main(String... args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(options, args);
    }

    /**
     * Runs every selected comparison and writes the JSON results.
     *
     * @param options the parameters
     * @param args the arguments as given, recorded in the results
     * @return the results, by comparison, in run order
     * @throws Exception if a server does not start, a run fails, or the results cannot be written
     */
    static List<ComparisonResult> run(LoadOptions options, String... args) throws Exception {
        Instant started = Instant.now();
        String loadBefore = Machine.loadAverage();
        log("load harness: %d comparisons x %d pairs x 2 x %d ms (+%d ms settle), warm-up %d ms per port;"
                + " about %d s", options.comparisons().size(), options.pairs(), options.segment().toMillis(),
                options.settle().toMillis(), options.warmup().toMillis(), options.estimate().toSeconds());
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        Files.createDirectories(options.logDir());
        LoadClient client = new LoadClient(options.clientThreads());
        List<ComparisonResult> results = new ArrayList<>();
        for (ServerKind kind : ServerKind.values()) {
            List<Comparison> mine = options.comparisons().stream().filter(c -> c.server() == kind).toList();
            if (mine.isEmpty()) {
                continue;
            }
            Path log = options.logDir().resolve("load-server-" + kind.id() + ".log");
            try (ServerProcess server = ServerProcess.start(kind,
                    kind == ServerKind.JETTY ? List.of(options.jettyHandler().id()) : List.of(),
                    options.serverJvmArgs(), log)) {
                for (Comparison c : mine) {
                    ComparisonResult r = compare(c, server, client, options);
                    results.add(r);
                    log("%s", r.summary());
                }
            }
        }
        String json = toJson(results, options, args, started, loadBefore, Machine.loadAverage());
        Files.writeString(options.out(), json, StandardCharsets.UTF_8);
        log("wrote %s", options.out());
        return results;
    }

    private static ComparisonResult compare(Comparison c, ServerProcess server, LoadClient client,
            LoadOptions o) throws Exception {
        ClientTarget a = target(c.a(), c.mode(), server, o.header());
        ClientTarget b = target(c.b(), c.mode(), server, o.header());
        int connections = c.mode() == ConnectionMode.CHURN ? o.churnConnections() : o.keepAliveConnections();
        warmUp(client, c.a(), a, c.mode(), connections, o, server);
        warmUp(client, c.b(), b, c.mode(), connections, o, server);
        List<PairResult> pairs = new ArrayList<>();
        for (int i = 0; i < o.pairs(); i++) {
            boolean aFirst = i % 2 == 0;
            SegmentResult first = client.run((aFirst ? c.a() : c.b()).id(), aFirst ? a : b, c.mode(), connections,
                    o.settle(), o.segment(), server);
            SegmentResult second = client.run((aFirst ? c.b() : c.a()).id(), aFirst ? b : a, c.mode(),
                    connections, o.settle(), o.segment(), server);
            PairResult pair = aFirst ? new PairResult(true, first, second) : new PairResult(false, second, first);
            check(c, pair.a());
            check(c, pair.b());
            pairs.add(pair);
        }
        return new ComparisonResult(c, o.header(), connections, pairs);
    }

    /**
     * One unmeasured run of {@code --warmup-ms}, repeated until the port has answered at least once (a cold server
     * on a busy machine can take longer than a short warm-up to serve its first request), for at most a minute.
     */
    private static void warmUp(LoadClient client, Port port, ClientTarget target, ConnectionMode mode,
            int connections, LoadOptions o, ServerProcess server) throws InterruptedException {
        Duration run = o.warmup().isZero() ? Duration.ofMillis(200) : o.warmup();
        long giveUp = System.nanoTime() + WARM_UP_LIMIT.toNanos();
        SegmentResult r;
        do {
            r = client.run(port.id(), target, mode, connections, o.settle(), run, server);
        } while (r.requests() == 0 && System.nanoTime() < giveUp);
    }

    /** A run that completed nothing, or failed more than 1 % of its requests, is broken, not slow. */
    private static void check(Comparison c, SegmentResult r) {
        if (r.requests() == 0 || r.errors() * 100 > r.requests()) {
            throw new IllegalStateException(c.id() + ": " + r.port() + " completed " + r.requests()
                    + " requests with " + r.errors() + " errors");
        }
    }

    private static ClientTarget target(Port port, ConnectionMode mode, ServerProcess server, HeaderVersion header) {
        int number = server.port(port);
        String request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + number + "\r\n"
                + (mode == ConnectionMode.CHURN ? "Connection: close\r\n" : "") + "\r\n";
        byte[] req = request.getBytes(StandardCharsets.US_ASCII);
        byte[] first = req;
        if (port.proxyProtocol()) {
            byte[] h = header.encode(number);
            first = new byte[h.length + req.length];
            System.arraycopy(h, 0, first, 0, h.length);
            System.arraycopy(req, 0, first, h.length, req.length);
        }
        return new ClientTarget(new InetSocketAddress("127.0.0.1", number), new InetSocketAddress(CLIENT_BIND, 0),
                first, req, port.proxyProtocol() ? HeaderVersion.CLIENT : CLIENT_BIND);
    }

    private static String toJson(List<ComparisonResult> results, LoadOptions o, String[] args, Instant started,
            String loadBefore, String loadAfter) {
        Json j = new Json().begin();
        j.field("benchmark", "load");
        j.field("started", started.toString());
        j.field("finished", Instant.now().toString());
        j.begin("machine");
        Machine.describe().forEach(j::field);
        j.field("loadAverageBefore", loadBefore);
        j.field("loadAverageAfter", loadAfter);
        j.end();
        j.array("arguments");
        for (String a : args) {
            j.stringElement(a);
        }
        j.endArray();
        j.array("clientJvmArguments");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            j.stringElement(a);
        }
        j.endArray();
        j.begin("parameters");
        j.field("pairs", o.pairs());
        j.field("segmentMillis", o.segment().toMillis());
        j.field("settleMillis", o.settle().toMillis());
        j.field("warmupMillis", o.warmup().toMillis());
        j.field("churnConnections", o.churnConnections());
        j.field("keepAliveConnections", o.keepAliveConnections());
        j.field("clientThreads", o.clientThreads());
        j.field("header", o.header().name().toLowerCase(Locale.ROOT));
        j.field("jettyHandler", o.jettyHandler().id());
        j.field("serverJvmArgs", String.join(" ", o.serverJvmArgs()));
        j.field("confidence", CONFIDENCE);
        j.field("intervalMethod", "distribution-free interval for the median from binomial order statistics");
        j.end();
        j.array("comparisons");
        for (ComparisonResult r : results) {
            r.writeTo(j.arrayObject());
            j.end();
        }
        j.endArray();
        return j.end().toString();
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(),
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /** Median of one figure over the pairs. */
    static double median(List<PairResult> pairs, ToDoubleFunction<PairResult> f) {
        double[] v = pairs.stream().mapToDouble(f).toArray();
        return MedianInterval.of(v, CONFIDENCE).median();
    }
}

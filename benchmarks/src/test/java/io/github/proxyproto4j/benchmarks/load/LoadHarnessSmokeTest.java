package io.github.proxyproto4j.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the load harness from rotting: every comparison, on forked Jetty and Tomcat, with tiny durations. Checks
 * that each produced positive figures and that the servers saw the address the client meant them to (the harness
 * fails otherwise). No thresholds on the figures: this machine's timing proves nothing.
 */
class LoadHarnessSmokeTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a hang guard, not a performance limit
    void everyComparisonProducesPositiveResults(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("load.json");
        String[] args = {"--pairs=2", "--segment-ms=600", "--settle-ms=100", "--warmup-ms=400",
            "--churn-connections=8", "--keepalive-connections=8", "--out=" + out, "--log-dir=" + dir};
        List<ComparisonResult> results = LoadHarness.run(LoadOptions.parse(args), args);

        assertEquals(Comparison.ALL, results.stream().map(ComparisonResult::comparison).toList());
        String json = Files.readString(out, StandardCharsets.UTF_8);
        for (ComparisonResult r : results) {
            assertEquals(2, r.pairs().size(), r.comparison().id());
            for (PairResult p : r.pairs()) {
                for (SegmentResult s : List.of(p.a(), p.b())) {
                    assertTrue(s.requests() > 0 && s.requestsPerSecond() > 0, r.comparison().id() + " " + s);
                }
                assertTrue(p.ratio() > 0 && Double.isFinite(p.ratio()), r.comparison().id() + " " + p);
            }
            assertTrue(json.contains("\"id\": \"" + r.comparison().id() + "\""), r.comparison().id());
        }
    }

    @Test
    void v1HeadersAndTheNonBlockingJettyHandlerWork(@TempDir Path dir) throws Exception {
        String[] args = {"--pairs=1", "--segment-ms=500", "--settle-ms=100", "--warmup-ms=500", "--header=v1",
            "--jetty-handler=non-blocking", "--only=jetty-churn", "--out=" + dir.resolve("v1.json"),
            "--log-dir=" + dir};
        List<ComparisonResult> results = LoadHarness.run(LoadOptions.parse(args), args);
        assertEquals(1, results.size());
        for (ComparisonResult r : results) {
            assertTrue(r.pairs().get(0).a().requests() > 0 && r.pairs().get(0).b().requests() > 0, r.toString());
        }
        String json = Files.readString(dir.resolve("v1.json"));
        assertTrue(json.contains("\"header\": \"v1\"") && json.contains("\"jettyHandler\": \"non-blocking\""));
    }

    @Test
    void aServerThatDidNotApplyTheHeaderFailsTheRun(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.start(ServerKind.JETTY, List.of("non-blocking"), List.of(),
                dir.resolve("server.log"))) {
            int port = server.port(Port.OURS);
            byte[] header = HeaderVersion.V2.encode(port);
            byte[] request = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] first = new byte[header.length + request.length];
            System.arraycopy(header, 0, first, 0, header.length);
            System.arraycopy(request, 0, first, header.length, request.length);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            InetSocketAddress from = new InetSocketAddress(LoadHarness.CLIENT_BIND, 0);
            LoadClient client = new LoadClient(1);
            // First with the right expectation, until the (cold) server has answered at least once.
            ClientTarget right = new ClientTarget(to, from, first, request, HeaderVersion.CLIENT);
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            SegmentResult warm;
            do {
                warm = client.run("ours", right, ConnectionMode.CHURN, 2, Duration.ofMillis(100),
                        Duration.ofMillis(500), server);
            } while (warm.requests() == 0 && System.nanoTime() < giveUp);
            assertTrue(warm.requests() > 0, "the server never answered");
            // The server applies the header, so it answers 203.0.113.7; expecting the socket's peer must fail.
            ClientTarget wrongExpectation = new ClientTarget(to, from, first, request, LoadHarness.CLIENT_BIND);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> client.run("ours", wrongExpectation, ConnectionMode.CHURN, 2,
                            Duration.ofMillis(100), Duration.ofMillis(500), server));
            assertTrue(e.getMessage().contains("'" + HeaderVersion.CLIENT + "'"), e.getMessage());
        }
    }
}

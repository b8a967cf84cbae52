package io.github.proxyproto4j.interop.cluster;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.proxyproto4j.interop.ExternalTool;
import io.github.proxyproto4j.samples.jetty.EmbeddedJetty;
import io.github.proxyproto4j.samples.tomcat.EmbeddedTomcat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;

/**
 * The scale-out story: one HAProxy 2.6 in TCP mode (samples/configs/haproxy/cluster-round-robin.cfg, as it is)
 * round-robins over three different applications with a PROXY protocol port, sending {@code send-proxy-v2} and
 * health-checking each with {@code option httpchk GET /} and {@code check-send-proxy}: embedded-jetty and
 * embedded-tomcat in this JVM, echo-spring-boot-jetty as its own process. Every instance trusts only 127.0.0.1, where
 * HAProxy connects from; the client is curl bound to 127.0.0.42. Then one instance stops, as in a rolling restart:
 * HAProxy takes it out, and the client sees at most the request that was in flight fail.
 *
 * <p>The three methods are the steps of one story and run in order on the same cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterRoundRobinTest {
    private static final String CLIENT_IP = "127.0.0.42";
    private static final int REQUESTS = 30;
    private static final Duration CHECKS = Duration.ofSeconds(15);

    /** The servers of cluster-round-robin.cfg, in its order, and which sample each one is here. */
    private static final String JETTY = "app1";
    private static final String TOMCAT = "app2";
    private static final String BOOT = "app3";
    private static final String POD_NAME = "echo-spring-boot-jetty-0";

    private static final String[] FLAGS = {"--server.address=127.0.0.1", "--server.port=0", "--proxy-protocol.port=0",
            "--proxy-protocol.trusted-proxies=127.0.0.1/32"};

    private static Path curl;
    private static BootJettyInstance boot;
    private static Server jetty;
    private static Tomcat tomcat;
    private static ClusterHaproxy lb;

    @BeforeAll
    static void startCluster() throws Exception {
        ExternalTool.require("haproxy", "haproxy");
        curl = ExternalTool.require("curl", "curl");
        boot = BootJettyInstance.launch(POD_NAME); // the slowest to start: its JVM boots while the others start here
        jetty = EmbeddedJetty.start(FLAGS);
        tomcat = EmbeddedTomcat.start(FLAGS);
        boot.awaitStarted();
        lb = ClusterHaproxy.start(EmbeddedJetty.proxyPort(jetty), EmbeddedTomcat.proxyPort(tomcat), boot.proxyPort());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (lb != null) {
            lb.close();
        }
        if (jetty != null && !jetty.isStopped()) {
            jetty.stop();
        }
        if (tomcat != null) {
            EmbeddedTomcat.stop(tomcat);
        }
        if (boot != null) {
            boot.close();
        }
    }

    @Test
    @Order(1)
    void healthChecksWithALocalHeaderFindAllThreeUp() throws Exception {
        Map<String, Map<String, String>> stat = awaitStat(s -> List.of(JETTY, TOMCAT, BOOT).stream()
                .allMatch(sv -> isUp(s.get(sv))), "all three UP with L7OK");
        for (String sv : List.of(JETTY, TOMCAT, BOOT)) {
            assertEquals("200", stat.get(sv).get("check_code"), sv + ": " + ClusterHaproxy.summary(stat));
        }
    }

    @Test
    @Order(2)
    void roundRobinSpreadsTheRequestsAndEveryInstanceSeesTheClient() throws Exception {
        awaitStat(s -> List.of(JETTY, TOMCAT, BOOT).stream().allMatch(sv -> isUp(s.get(sv))), "all three UP");
        Map<String, Map<String, String>> before = lb.stat();
        Map<String, Integer> byInstance = new TreeMap<>();
        List<Executable> checks = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            Answer a = get(i);
            assertTrue(a.ok(), "request " + i + " failed: " + a);
            byInstance.merge(a.instance(), 1, Integer::sum);
            checks.add(() -> assertEquals(CLIENT_IP, a.line("client_address"), "client_address: " + a));
            checks.add(() -> assertEquals("2", a.line("version"), "PROXY version: " + a));
            checks.add(() -> assertEquals("127.0.0.1", a.line("proxy_address"), "proxy_address: " + a));
        }
        assertAll(checks);
        Map<String, Map<String, String>> after = lb.stat();
        System.out.println("cluster: " + REQUESTS + " requests answered by " + byInstance + "; HAProxy: "
                + ClusterHaproxy.summary(after));
        // roundrobin with equal weights: a strict rotation, so each of the three answers a third.
        assertEquals(Map.of("echo-spring-boot-jetty", REQUESTS / 3, "embedded-jetty", REQUESTS / 3,
                "embedded-tomcat", REQUESTS / 3), byInstance);
        for (String sv : List.of(JETTY, TOMCAT, BOOT)) {
            assertEquals(REQUESTS / 3, stot(after, sv) - stot(before, sv), sv + " sessions: "
                    + ClusterHaproxy.summary(after));
        }
    }

    @Test
    @Order(3)
    void anInstanceThatStopsIsTakenOutAndTheClientLosesAtMostTheRequestInFlight() throws Exception {
        awaitStat(s -> List.of(JETTY, TOMCAT, BOOT).stream().allMatch(sv -> isUp(s.get(sv))), "all three UP");
        // Sequential requests, as one client does, while embedded-jetty stops: at most one is in flight then.
        AtomicReference<Throwable> stopFailure = new AtomicReference<>();
        Thread stopper = new Thread(() -> {
            try {
                jetty.stop();
            } catch (Throwable t) {
                stopFailure.set(t);
            }
        }, "stop-embedded-jetty");
        List<Answer> during = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + CHECKS.toNanos();
        Map<String, Map<String, String>> stat;
        while (true) {
            if (during.size() == 3) {
                stopper.start();
            }
            during.add(get(during.size()));
            stat = lb.stat();
            if (during.size() > 3 && !stopper.isAlive() && "DOWN".equals(stat.get(JETTY).get("status"))) {
                break;
            }
            if (System.nanoTime() > deadline) {
                fail("embedded-jetty not DOWN within " + CHECKS + ": " + ClusterHaproxy.summary(stat));
            }
        }
        stopper.join(TimeUnit.SECONDS.toMillis(10));
        if (stopFailure.get() != null) {
            throw new AssertionError("embedded-jetty did not stop", stopFailure.get());
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        List<Answer> failed = during.stream().filter(a -> !a.ok()).toList();
        System.out.println("cluster: embedded-jetty stopped, DOWN after " + tookMillis + " ms and " + during.size()
                + " requests, " + failed.size() + " failed; HAProxy: " + ClusterHaproxy.summary(stat));
        assertTrue(failed.size() <= 1, "more than the request in flight failed: " + failed);
        assertTrue(isUp(stat.get(TOMCAT)) && isUp(stat.get(BOOT)), ClusterHaproxy.summary(stat));

        Map<String, Integer> byInstance = new TreeMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            Answer a = get(100 + i);
            assertTrue(a.ok(), "request " + i + " after embedded-jetty went DOWN failed: " + a);
            assertEquals(CLIENT_IP, a.line("client_address"), "client_address: " + a);
            byInstance.merge(a.instance(), 1, Integer::sum);
        }
        assertEquals(Map.of("echo-spring-boot-jetty", REQUESTS / 2, "embedded-tomcat", REQUESTS / 2), byInstance);
    }

    private static boolean isUp(Map<String, String> row) {
        return row != null && "UP".equals(row.get("status")) && "L7OK".equals(row.get("check_status"));
    }

    private static long stot(Map<String, Map<String, String>> stat, String sv) {
        return Long.parseLong(stat.get(sv).get("stot"));
    }

    private static Map<String, Map<String, String>> awaitStat(Predicate<Map<String, Map<String, String>>> condition,
            String what) throws IOException, InterruptedException {
        long end = System.nanoTime() + CHECKS.toNanos();
        Map<String, Map<String, String>> stat = lb.stat();
        while (!condition.test(stat)) {
            if (System.nanoTime() > end) {
                fail("not " + what + " within " + CHECKS + ": " + ClusterHaproxy.summary(stat) + "\n" + lb.log());
            }
            Thread.sleep(100);
            stat = lb.stat();
        }
        return stat;
    }

    /** One request through HAProxy, by curl from 127.0.0.42, a new connection each time. */
    private static Answer get(int n) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(curl.toString(), "-sS", "-i", "--max-time", "5", "--interface", CLIENT_IP,
                "http://127.0.0.1:" + lb.port() + "/cluster?n=" + n)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Answer(p.waitFor(), out);
    }

    /** curl's exit code and output (status line, headers, the echo). */
    private record Answer(int exit, String output) {
        boolean ok() {
            return exit == 0 && output.startsWith("HTTP/1.1 200");
        }

        /** The value of the echo's {@code \tkey=value} line, or null. */
        String line(String key) {
            String prefix = "\t" + key + "=";
            for (String l : output.split("\r?\n")) {
                if (l.startsWith(prefix)) {
                    return l.substring(prefix.length());
                }
            }
            return null;
        }

        /** Which sample answered: the server from {@code server_version}, the Boot app by its pod name. */
        String instance() {
            String server = String.valueOf(line("server_version"));
            if (POD_NAME.equals(line("pod name")) && server.startsWith("jetty/")) {
                return "echo-spring-boot-jetty";
            }
            if (server.startsWith("jetty/")) {
                return "embedded-jetty";
            }
            if (server.startsWith("Apache Tomcat/")) {
                return "embedded-tomcat";
            }
            return "unknown: " + server;
        }

        @Override
        public String toString() {
            return "curl exit " + exit + "\n" + output;
        }
    }
}

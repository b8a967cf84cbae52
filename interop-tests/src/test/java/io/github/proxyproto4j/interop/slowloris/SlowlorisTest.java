package io.github.proxyproto4j.interop.slowloris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.core.Reason;
import io.github.proxyproto4j.interop.Haproxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The quick slowloris check for {@code ./mvnw verify}: trusted peers trickle PROXY headers into each adapter while
 * the real client goes through a real HAProxy 2.6. Functional facts only, no timing thresholds (hang guards only):
 * every trickling connection is closed without a byte and counted, max-pending caps the waiting connections, the
 * real client is always served with its own address, and Tomcat's acceptor and poller never read. The measured
 * run at 2,000 connections is {@link SlowlorisLongRun}.
 */
class SlowlorisTest {
    private static final int CONNECTIONS = 50;
    private static final Duration INTERVAL = Duration.ofMillis(250);
    private static final Duration GUARD = Duration.ofSeconds(60);

    @ParameterizedTest
    @EnumSource(Adapter.class)
    void tricklingConnectionsAreClosedAtTheHeaderTimeoutWhileTheRealClientIsServed(Adapter adapter) throws Exception {
        try (ServerUnderTest server = adapter.start(Attackers.config(Duration.ofSeconds(1), 1024), Duration.ofSeconds(30));
                Haproxy lb = Haproxy.start(server.proxyPort(), "send-proxy-v2");
                ThreadSampler sampler = ThreadSampler.start(server::watched)) {
            assertWatchesTheRightThreads(server, sampler);
            ProxyProtocolCounters c = server.counters();
            long acceptedBefore = c.getAccepted();
            long rejectedBefore = c.getRejected();
            long timeoutsBefore = c.rejected(Reason.HEADER_TIMEOUT);

            List<Attempt> attempts;
            long served;
            try (NormalClient client = NormalClient.start(lb.port(), 2)) {
                awaitServed(client, 1);
                try (Trickler attack = new Trickler(new InetSocketAddress("127.0.0.1", server.proxyPort()),
                        Attackers.sources(), AttackHeaders.both(), CONNECTIONS, INTERVAL, false)) {
                    attack.start();
                    assertTrue(attack.awaitClosedByServer(CONNECTIONS, GUARD), "not all trickling connections closed");
                    attempts = attack.stop();
                }
                long servedDuringAttack = client.served();
                awaitServed(client, servedDuringAttack + 1); // still served after the attack
                client.close();
                served = client.served();
                assertEquals(0, client.failed(), () -> "the real client failed: " + client.firstFailure());
            }
            assertAllClosedWithoutAByte(attempts);
            assertEquals(CONNECTIONS, c.rejected(Reason.HEADER_TIMEOUT) - timeoutsBefore, c::toString);
            assertEquals(CONNECTIONS, c.getRejected() - rejectedBefore, c::toString);
            // One applied header per real request, plus perhaps one for the probe with which Haproxy.start saw it
            // listen: HAProxy may or may not reach the backend for it, and after or before the snapshot.
            long applied = c.getAccepted() - acceptedBefore;
            assertTrue(applied >= served && applied <= served + 1, "applied " + applied + ", served " + served + ": " + c);
            assertEquals(0, c.getPending(), c::toString);
            report(server, sampler.tally());
        }
    }

    @ParameterizedTest
    @EnumSource(Adapter.class)
    void maxPendingCapsTheConnectionsWaitingForAHeader(Adapter adapter) throws Exception {
        int maxPending = 20;
        try (ServerUnderTest server = adapter.start(Attackers.config(Duration.ofSeconds(3), maxPending),
                Duration.ofSeconds(30))) {
            ProxyProtocolCounters c = server.counters();
            long timeoutsBefore = c.rejected(Reason.HEADER_TIMEOUT);
            long cappedBefore = c.rejected(Reason.TOO_MANY_PENDING);
            long rejectedBefore = c.getRejected();
            server.peakPending().reset();
            List<Attempt> attempts;
            try (Trickler attack = new Trickler(new InetSocketAddress("127.0.0.1", server.proxyPort()),
                    Attackers.sources(), AttackHeaders.both(), CONNECTIONS, INTERVAL, false)) {
                attack.start();
                assertTrue(attack.awaitClosedByServer(CONNECTIONS, GUARD), "not all trickling connections closed");
                attempts = attack.stop();
            }
            assertAllClosedWithoutAByte(attempts);
            long timeouts = c.rejected(Reason.HEADER_TIMEOUT) - timeoutsBefore;
            long capped = c.rejected(Reason.TOO_MANY_PENDING) - cappedBefore;
            assertEquals(CONNECTIONS, c.getRejected() - rejectedBefore, c::toString);
            assertEquals(CONNECTIONS, timeouts + capped, c::toString);
            assertTrue(capped > 0, "the cap never refused a connection: " + c);
            assertTrue(timeouts > 0, "no connection got a slot: " + c);
            int peak = server.peakPending().peak();
            assertTrue(peak <= maxPending, "waiting at once: " + peak + " > max-pending " + maxPending);
            assertEquals(0, c.getPending(), c::toString);
            System.out.printf("[slowloris] %s: max-pending %d, %d connections: peak waiting %d, %d HEADER_TIMEOUT,"
                    + " %d TOO_MANY_PENDING%n", server.name(), maxPending, CONNECTIONS, peak, timeouts, capped);
        }
    }

    private static void assertWatchesTheRightThreads(ServerUnderTest server, ThreadSampler sampler) {
        List<String> names = sampler.threadNames();
        if (server.watchedIsStrict()) {
            assertTrue(names.stream().anyMatch(n -> n.endsWith("-Acceptor")), names::toString);
            assertTrue(names.stream().anyMatch(n -> n.endsWith("-Poller")), names::toString);
        }
    }

    private static void assertAllClosedWithoutAByte(List<Attempt> attempts) {
        assertEquals(CONNECTIONS, attempts.size());
        for (Attempt a : attempts) {
            assertNull(a.connectError, "connect failed from " + a.source);
            assertTrue(a.connectedNanos > 0 && a.closedByServer, "not closed by the server: slot " + a.slot);
            assertEquals(0, a.bytesReceived, "response bytes to a trickling connection from " + a.source);
            assertTrue(a.bytesSent < a.header.length, "the header was completed: slot " + a.slot);
        }
    }

    private static void awaitServed(NormalClient client, long atLeast) throws InterruptedException {
        long end = System.nanoTime() + GUARD.toNanos();
        while (client.served() < atLeast) {
            assertTrue(System.nanoTime() < end, () -> "the real client was not served: " + client.firstFailure());
            assertEquals(0, client.failed(), () -> "the real client failed: " + client.firstFailure());
            Thread.sleep(10);
        }
    }

    /** Tomcat's acceptor and poller: asserted. Jetty's selectors and acceptor: reported only. */
    private static void report(ServerUnderTest server, ThreadSampler.Tally t) {
        System.out.printf("[slowloris] %s: %d samples of %s, %d in our code %s, %d reading %s%n", server.name(),
                t.samples(), t.threads(), t.inOurCode(), t.ourFrames(), t.violations(), t.violationFrames());
        if (server.watchedIsStrict()) {
            assertTrue(t.samples() > 0, "no thread samples");
            assertEquals(0, t.violations(), () -> "acceptor or poller reading: " + t.violationFrames());
        }
    }
}

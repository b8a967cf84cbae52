package io.github.proxyproto4j.interop.hardening;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.proxyproto4j.core.Outcome;
import io.github.proxyproto4j.core.Reason;
import io.github.proxyproto4j.interop.matrix.Receiver;
import io.github.proxyproto4j.interop.matrix.Receivers;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of {@link MalformedCases} over a real socket to each sample receiver, started once: zero response
 * bytes, the reason counted once and nothing else counted, then a good connection served with the client its
 * header claims. At the end, the log: each reason at most once per RateLimitedLog interval (60 s), and no stack
 * trace at all.
 */
class MalformedInputMatrixTest {
    /** The client's address, the only trusted proxy. */
    static final String CLIENT = "127.0.0.42";
    private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

    static Stream<Receiver> receivers() {
        return Receivers.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("receivers")
    void everyMalformedHeaderIsClosedSilentlyAndCounted(Receiver receiver) throws Exception {
        List<String> failures = new ArrayList<>();
        Map<Reason, Long> firstRejection = new EnumMap<>(Reason.class);
        long started = System.nanoTime();
        try (Receiver.App app = receiver.start(false, null, List.of("--proxy-protocol.trusted-proxies=" + CLIENT + "/32",
                "--proxy-protocol.max-tlv-size=" + MalformedCases.MAX_TLV_SIZE,
                "--proxy-protocol.max-header-size=" + MalformedCases.MAX_HEADER_SIZE));
                ReceiverProbe probe = ReceiverProbe.attach(app)) {
            long ready = System.nanoTime();
            Counts before = probe.counts();
            good(app, probe, 0, failures);
            before = probe.counts();
            int i = 0;
            for (MalformedCase c : MalformedCases.ALL) {
                i++;
                RawExchange.Result r = RawExchange.send(CLIENT, "127.0.0.1", app.proxyPort(), c.bytes(), c.halfClose());
                firstRejection.putIfAbsent(c.reason(), System.nanoTime());
                if (r.responseBytes() != 0) {
                    failures.add(c.name() + ": " + r.responseBytes() + " response bytes: " + head(r.text()));
                }
                Counts after = settle(probe, before, 1);
                Counts diff = after.minus(before);
                if (!diff.equals(Counts.oneRejected(c.reason()))) {
                    failures.add(c.name() + ": expected " + Counts.oneRejected(c.reason()) + ", counted " + diff);
                }
                before = good(app, probe, i, failures);
            }
            long done = System.nanoTime();
            Counts listener = probe.counts();
            Counts builtIn = probe.builtIn();
            // The listener was added after start; the built-in counters have every connection since, and no other.
            if (builtIn != null && !builtIn.equals(listener)) {
                failures.add("built-in counters " + builtIn + " differ from the listener's " + listener);
            }
            checkLog(probe.log(), firstRejection, done, failures);
            System.out.printf("HARDENING malformed receiver=\"%s\" cases=%d failures=%d start_ms=%d matrix_ms=%d "
                    + "counters=\"%s\"%n", receiver.name(), MalformedCases.ALL.size(), failures.size(),
                    (ready - started) / 1_000_000, (done - ready) / 1_000_000, probe.source());
        }
        if (!failures.isEmpty()) {
            fail(receiver.name() + ": " + failures.size() + " failure(s):\n  " + String.join("\n  ", failures));
        }
    }

    /** A valid header and request after case {@code i}: served, showing the claimed client. @return counts after */
    private static Counts good(Receiver.App app, ReceiverProbe probe, int i, List<String> failures) throws Exception {
        Counts before = probe.counts();
        String claimed = "198.51.100." + (10 + i % 200);
        RawExchange.Result r = RawExchange.send(CLIENT, "127.0.0.1", app.proxyPort(),
                Wire.concat(Served.header(1 + i % 2, claimed, 40000 + i), Wire.REQUEST), false);
        if (Served.status(r) != 200 || !claimed.equals(Served.clientAddress(r))) {
            failures.add("good connection after case " + i + ": status " + Served.status(r) + ", client_address "
                    + Served.clientAddress(r) + " (expected " + claimed + ")");
        }
        Counts after = settle(probe, before, 1);
        Counts diff = after.minus(before);
        if (!diff.equals(Counts.of(Outcome.ACCEPTED, 1))) {
            failures.add("good connection after case " + i + ": expected ACCEPTED +1, counted " + diff);
        }
        return after;
    }

    /**
     * Waits (a hang guard, not a timing check) until at least {@code n} more connections are counted: the server
     * counts before it closes, but the counter may be read through another thread or process.
     */
    static Counts settle(ReceiverProbe probe, Counts before, long n) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        Counts now = probe.counts();
        while (now.total() - before.total() < n && System.nanoTime() < end) {
            Thread.sleep(5);
            now = probe.counts();
        }
        return now;
    }

    private static void checkLog(String log, Map<Reason, Long> firstRejection, long done, List<String> failures) {
        Map<Reason, List<Long>> lines = LogReport.rejectionLines(log);
        Set<Reason> unexpected = new LinkedHashSet<>(lines.keySet());
        unexpected.removeAll(firstRejection.keySet());
        if (!unexpected.isEmpty()) {
            failures.add("log lines for reasons no case produced: " + unexpected);
        }
        for (Map.Entry<Reason, Long> e : firstRejection.entrySet()) {
            List<Long> l = lines.getOrDefault(e.getKey(), List.of());
            long allowed = 1 + (done - e.getValue()) / LOG_INTERVAL_NANOS;
            if (l.isEmpty() || l.size() > allowed) {
                failures.add(e.getKey() + ": " + l.size() + " log line(s), expected 1 to " + allowed + " (one per "
                        + "60 s interval)");
            } else if (l.get(0) != 1) {
                failures.add(e.getKey() + ": the first log line reports " + l.get(0) + " connections, not 1");
            }
        }
        List<String> traces = LogReport.stackTraces(log);
        if (!traces.isEmpty()) {
            failures.add("stack trace(s) in the log:\n    " + String.join("\n    ",
                    traces.subList(0, Math.min(40, traces.size()))));
        }
    }

    private static String head(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}

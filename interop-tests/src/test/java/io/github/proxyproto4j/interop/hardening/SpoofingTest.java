package io.github.proxyproto4j.interop.hardening;

import static io.github.proxyproto4j.interop.hardening.SpoofPhase.Expect.REFUSED;
import static io.github.proxyproto4j.interop.hardening.SpoofPhase.Expect.SERVED_AS_CLAIMED;
import static io.github.proxyproto4j.interop.hardening.SpoofPhase.Expect.SERVED_AS_FORWARDED;
import static io.github.proxyproto4j.interop.hardening.SpoofPhase.Expect.SERVED_AS_PEER_DIRECT;
import static io.github.proxyproto4j.interop.hardening.SpoofPhase.Expect.SERVED_AS_PEER_IGNORED;
import static io.github.proxyproto4j.interop.hardening.SpoofPhase.Traffic.FORWARDED_ONLY;
import static io.github.proxyproto4j.interop.hardening.SpoofPhase.Traffic.FORWARDER_HEADER_AND_FORWARDED;
import static io.github.proxyproto4j.interop.hardening.SpoofPhase.Traffic.HEADER;
import static io.github.proxyproto4j.interop.hardening.SpoofPhase.Traffic.HEADER_AND_FORWARDED;
import static io.github.proxyproto4j.interop.hardening.SpoofPhase.Traffic.NO_HEADER;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.proxyproto4j.core.Reason;
import io.github.proxyproto4j.interop.matrix.Receiver;
import io.github.proxyproto4j.interop.matrix.Receivers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A peer outside trusted-proxies (127.0.0.42; trusted is 127.0.0.1/32) opens many connections whose PROXY
 * headers (v1 and v2, IPv4 and IPv6 claims) and forwarded headers claim other clients. Under
 * {@code untrusted-action=reject} none is served and each is counted UNTRUSTED_PEER; under {@code ignore} every
 * one is served as the peer itself; the same on a dual-stack {@code ::} socket (the peer arrives as
 * {@code ::ffff:127.0.0.42}) with the trusted list written as IPv4 and as {@code ::ffff:127.0.0.1/128}; in
 * {@code mode=mixed} a header from the peer is refused; and the starter's forwarded-header guard keeps
 * X-Forwarded-For / Forwarded / X-Real-IP from changing getRemoteAddr. Small positive controls (a trusted mapped
 * peer, a trusted forwarder) show that the same checks do see an applied claim.
 *
 * <p>Connections per scenario: {@code -Dhardening.spoofing.connections} (default 10,000), from
 * {@code -Dhardening.spoofing.threads} client threads (default 4). Figures: one {@code HARDENING spoofing} line per
 * phase on standard output, and target/hardening/spoofing.json.
 */
class SpoofingTest {
    static final String PEER = "127.0.0.42";
    /** A trusted proxy of the forwarded-header scenario, for its positive control only. */
    static final String TRUSTED_LB = "127.0.0.43";
    static final int N = Integer.getInteger("hardening.spoofing.connections", 10_000);
    static final int THREADS = Integer.getInteger("hardening.spoofing.threads", 4);
    /** The positive controls: enough to see the claim applied, not a load. */
    static final int CONTROL = 50;

    private static final List<String> FIGURES = new ArrayList<>();
    private static final long STARTED = System.nanoTime();

    static Stream<SpoofSetup> setups() {
        List<SpoofSetup> all = new ArrayList<>();
        for (Receiver r : List.of(Receivers.EMBEDDED_JETTY, Receivers.EMBEDDED_TOMCAT)) {
            all.add(setup("reject", r, false, List.of(), phase("reject", PEER, HEADER, N, REFUSED)));
            all.add(setup("ignore", r, false, List.of("--proxy-protocol.untrusted-action=ignore"),
                    phase("ignore", PEER, HEADER, N, SERVED_AS_PEER_IGNORED)));
            for (String trusted : List.of("127.0.0.1/32", "::ffff:127.0.0.1/128")) {
                all.add(setup("dual-stack, trusted " + trusted + ", reject", r, true,
                        List.of("--proxy-protocol.trusted-proxies=" + trusted),
                        phase("mapped reject (trusted " + trusted + ")", PEER, HEADER, N, REFUSED)));
                all.add(setup("dual-stack, trusted " + trusted + ", ignore", r, true,
                        List.of("--proxy-protocol.trusted-proxies=" + trusted,
                                "--proxy-protocol.untrusted-action=ignore"),
                        phase("mapped ignore (trusted " + trusted + ")", PEER, HEADER, N, SERVED_AS_PEER_IGNORED)));
            }
            for (String trusted : List.of("127.0.0.42/32", "::ffff:127.0.0.42/128")) {
                all.add(setup("dual-stack, trusted " + trusted + " (the peer)", r, true,
                        List.of("--proxy-protocol.trusted-proxies=" + trusted),
                        phase("mapped trusted peer, control (trusted " + trusted + ")", PEER, HEADER, CONTROL,
                                SERVED_AS_CLAIMED)));
            }
            all.add(setup("mixed", r, false, List.of("--proxy-protocol.mode=mixed"),
                    phase("mixed, header from the untrusted peer", PEER, HEADER, N, REFUSED),
                    phase("mixed, direct without a header, control", PEER, NO_HEADER, CONTROL,
                            SERVED_AS_PEER_DIRECT)));
        }
        for (Receiver r : List.of(Receivers.SPRING_BOOT_TOMCAT, Receivers.SPRING_BOOT_JETTY)) {
            all.add(setup("reject", r, false, List.of(), phase("reject", PEER, HEADER, N, REFUSED)));
            // Spring's ForwardedHeaderFilter believes X-Forwarded-For and Forwarded from anyone: without the
            // starter's guard every request below would show a forwarded claim.
            all.add(setup("ignore, forward-headers-strategy=framework, forwarded-trusted-proxies=" + SpoofLoad.FORWARDER,
                    r, false, List.of("--proxy-protocol.untrusted-action=ignore",
                            "--proxy-protocol.trusted-proxies=127.0.0.1/32," + TRUSTED_LB + "/32",
                            "--proxy-protocol.forwarded-trusted-proxies=" + SpoofLoad.FORWARDER + "/32",
                            "--server.forward-headers-strategy=framework"),
                    phase("ignore", PEER, HEADER, N, SERVED_AS_PEER_IGNORED),
                    phase("ignore + X-Forwarded-For/Forwarded/X-Real-IP", PEER, HEADER_AND_FORWARDED, N,
                            SERVED_AS_PEER_IGNORED),
                    phase("trusted forwarder's X-Forwarded-For, control", TRUSTED_LB, FORWARDER_HEADER_AND_FORWARDED,
                            CONTROL, SERVED_AS_FORWARDED)));
            all.add(setup("mixed, forward-headers-strategy=framework", r, false, List.of(
                    "--proxy-protocol.mode=mixed", "--server.forward-headers-strategy=framework"),
                    phase("mixed, direct + X-Forwarded-For/Forwarded/X-Real-IP", PEER, FORWARDED_ONLY, N,
                            SERVED_AS_PEER_DIRECT)));
        }
        // Tomcat's RemoteIpValve (strategy native) believes X-Forwarded-For from its internal proxies, here 127/8
        // (as by default) and the forwarder. Boot/Jetty's native customizer is not on the extra PROXY port at all.
        all.add(setup("ignore, forward-headers-strategy=native (RemoteIpValve), forwarded-trusted-proxies="
                + SpoofLoad.FORWARDER, Receivers.SPRING_BOOT_TOMCAT, false, List.of(
                        "--proxy-protocol.untrusted-action=ignore",
                        "--proxy-protocol.trusted-proxies=127.0.0.1/32," + TRUSTED_LB + "/32",
                        "--proxy-protocol.forwarded-trusted-proxies=" + SpoofLoad.FORWARDER + "/32",
                        "--server.forward-headers-strategy=native",
                        "--server.tomcat.remoteip.internal-proxies=127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|198\\.51\\.100\\.77"),
                phase("ignore + X-Forwarded-For/Forwarded/X-Real-IP, RemoteIpValve", PEER, HEADER_AND_FORWARDED, N,
                        SERVED_AS_PEER_IGNORED),
                phase("trusted forwarder's X-Forwarded-For via RemoteIpValve, control", TRUSTED_LB,
                        FORWARDER_HEADER_AND_FORWARDED, CONTROL, SERVED_AS_FORWARDED)));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void noClaimOfAnUntrustedPeerIsEverApplied(SpoofSetup setup) throws Exception {
        List<String> failures = new ArrayList<>();
        List<String> flags = new ArrayList<>(setup.flags());
        if (setup.dualStack()) {
            flags.add("--server.address=::");
        }
        try (Receiver.App app = setup.receiver().start(false, null, flags);
                ReceiverProbe probe = ReceiverProbe.attach(app)) {
            if (setup.dualStack() && !DualStack.listensOnAny(app.proxyPort())) {
                fail(setup + ": port " + app.proxyPort() + " is not an IPv6 wildcard socket in /proc/net/tcp6");
            }
            long first = System.nanoTime();
            long untrusted = 0;
            for (SpoofPhase phase : setup.phases()) {
                Counts before = probe.counts();
                SpoofLoad.Tally t = SpoofLoad.run(phase, app.proxyPort(), THREADS);
                Counts after = MalformedInputMatrixTest.settle(probe, before, phase.count());
                Counts diff = after.minus(before);
                Counts expected = phase.expect().counts(phase.count());
                boolean claimExpected = phase.expect() == SERVED_AS_CLAIMED || phase.expect() == SERVED_AS_FORWARDED;
                List<String> wrong = new ArrayList<>();
                if (phase.expect() == REFUSED && t.refused() != t.connections()) {
                    wrong.add((t.connections() - t.refused()) + " connection(s) not refused");
                }
                if (phase.expect() != REFUSED && t.served() != t.connections()) {
                    wrong.add((t.connections() - t.served()) + " connection(s) not served");
                }
                if (claimExpected ? t.claimedSeen() != t.served() : t.claimedSeen() != 0) {
                    wrong.add(t.claimedSeen() + " served response(s) showed a claimed address");
                }
                if (t.otherSeen() != 0 || t.errors() != 0) {
                    wrong.add(t.otherSeen() + " showed another address, " + t.errors() + " error(s)");
                }
                if (!diff.equals(expected)) {
                    wrong.add("counted " + diff + ", expected " + expected);
                }
                if (!wrong.isEmpty()) {
                    failures.add(phase.name() + ": " + String.join("; ", wrong) + "; samples " + t.samples());
                }
                if (phase.expect() == REFUSED) {
                    untrusted += phase.count();
                }
                record(setup, phase, t, probe.source(), wrong.isEmpty());
            }
            String log = probe.log();
            List<Long> lines = LogReport.rejectionLines(log).getOrDefault(Reason.UNTRUSTED_PEER, List.of());
            long allowed = untrusted == 0 ? 0 : 1 + (System.nanoTime() - first) / 60_000_000_000L;
            if (lines.size() > allowed || (untrusted > 0 && lines.isEmpty())) {
                failures.add("UNTRUSTED_PEER: " + lines.size() + " log line(s), expected " + (untrusted == 0 ? 0 : 1)
                        + " to " + allowed);
            }
            List<String> traces = LogReport.stackTraces(log);
            if (!traces.isEmpty()) {
                failures.add("stack trace(s) in the log:\n    "
                        + String.join("\n    ", traces.subList(0, Math.min(40, traces.size()))));
            }
        }
        if (!failures.isEmpty()) {
            fail(setup + ":\n  " + String.join("\n  ", failures));
        }
    }

    private static SpoofSetup setup(String name, Receiver r, boolean dualStack, List<String> flags,
            SpoofPhase... phases) {
        return new SpoofSetup(name, r, flags, dualStack, List.of(phases));
    }

    private static SpoofPhase phase(String name, String peer, SpoofPhase.Traffic traffic, int count,
            SpoofPhase.Expect expect) {
        return new SpoofPhase(name, peer, traffic, count, expect);
    }

    private static synchronized void record(SpoofSetup setup, SpoofPhase phase, SpoofLoad.Tally t, String counters,
            boolean ok) {
        System.out.printf(Locale.ROOT, "HARDENING spoofing receiver=\"%s\" setup=\"%s\" phase=\"%s\" peer=%s "
                + "expect=%s connections=%d served=%d refused=%d claimed_seen=%d peer_seen=%d other_seen=%d "
                + "errors=%d duration_ms=%d ok=%s%n", setup.receiver().name(), setup.name(), phase.name(),
                phase.peer(), phase.expect(), t.connections(), t.served(), t.refused(), t.claimedSeen(),
                t.peerSeen(), t.otherSeen(), t.errors(), t.millis(), ok);
        FIGURES.add(String.format(Locale.ROOT, "    {\"receiver\": \"%s\", \"setup\": \"%s\", \"phase\": \"%s\", "
                + "\"peer\": \"%s\", \"expect\": \"%s\", \"connections\": %d, \"served\": %d, \"refused\": %d, "
                + "\"claimed_seen\": %d, \"peer_seen\": %d, \"other_seen\": %d, \"errors\": %d, \"duration_ms\": %d, "
                + "\"counters\": \"%s\", \"ok\": %s}", json(setup.receiver().name()), json(setup.name()),
                json(phase.name()), phase.peer(), phase.expect(), t.connections(), t.served(), t.refused(),
                t.claimedSeen(), t.peerSeen(), t.otherSeen(), t.errors(), t.millis(), json(counters), ok));
    }

    @AfterAll
    static void writeFigures() throws IOException {
        long totalMillis = (System.nanoTime() - STARTED) / 1_000_000;
        System.out.printf(Locale.ROOT, "HARDENING spoofing total connections_per_scenario=%d threads=%d phases=%d "
                + "suite_ms=%d%n", N, THREADS, FIGURES.size(), totalMillis);
        Path out = Path.of("target", "hardening", "spoofing.json");
        Files.createDirectories(out.getParent());
        String json = "{\n  \"connections_per_scenario\": " + N + ",\n  \"threads\": " + THREADS
                + ",\n  \"java\": \"" + json(System.getProperty("java.version")) + "\",\n  \"suite_ms\": "
                + totalMillis + ",\n  \"phases\": [\n" + String.join(",\n", FIGURES) + "\n  ]\n}\n";
        Files.writeString(out, json, StandardCharsets.UTF_8);
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}

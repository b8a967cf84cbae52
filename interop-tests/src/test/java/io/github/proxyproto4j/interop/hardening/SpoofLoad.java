package io.github.proxyproto4j.interop.hardening;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a phase's connections from a few threads and tallies what came back: served or refused, and which
 * client address each served response showed (the peer's, the one claimed, or another).
 */
final class SpoofLoad {
    /** The client address a trusted forwarder (an ingress behind the load balancer) has: in forwarded-trusted-proxies. */
    static final String FORWARDER = "198.51.100.77";
    /** The client the trusted forwarder reports in X-Forwarded-For. */
    static final String FORWARDED_CLIENT = "203.0.113.200";

    private SpoofLoad() {
    }

    /**
     * What a phase produced.
     *
     * @param connections connections made
     * @param served responses received
     * @param refused connections closed without a byte
     * @param claimedSeen served responses showing an address the client claimed (header or forwarded headers)
     * @param peerSeen served responses showing the peer's own address
     * @param otherSeen served responses showing neither
     * @param errors connections that failed otherwise (no connect, timeout, not HTTP)
     * @param samples a few examples of what went against the expectation
     * @param millis how long the phase took
     */
    record Tally(long connections, long served, long refused, long claimedSeen, long peerSeen, long otherSeen,
            long errors, List<String> samples, long millis) {
    }

    static Tally run(SpoofPhase phase, int port, int threads) throws Exception {
        AtomicLong served = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong claimed = new AtomicLong();
        AtomicLong peer = new AtomicLong();
        AtomicLong other = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<String> samples = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                futures.add(pool.submit(() -> {
                    for (int k = first; k < phase.count(); k += threads) {
                        Connection c = connection(phase, k);
                        try {
                            RawExchange.Result r = RawExchange.send(phase.peer(), "127.0.0.1", port, c.bytes, false);
                            if (r.responseBytes() == 0) {
                                refused.incrementAndGet();
                                if (phase.expect() != SpoofPhase.Expect.REFUSED) {
                                    sample(samples, k + ": refused");
                                }
                                continue;
                            }
                            served.incrementAndGet();
                            String seen = Served.clientAddress(r);
                            if (Served.status(r) != 200 || seen == null) {
                                errors.incrementAndGet();
                                sample(samples, k + ": " + firstLine(r.text()));
                            } else if (c.claims.stream().anyMatch(x -> same(x, seen))) {
                                claimed.incrementAndGet();
                                if (!c.expectClaim) {
                                    sample(samples, k + ": served as the claimed " + seen);
                                }
                            } else if (isPeer(seen, phase.peer())) {
                                peer.incrementAndGet();
                                if (c.expectClaim) {
                                    sample(samples, k + ": served as the peer, not the claimed " + c.claims);
                                }
                            } else {
                                other.incrementAndGet();
                                sample(samples, k + ": served as " + seen + " (claims " + c.claims + ")");
                            }
                            if (phase.expect() == SpoofPhase.Expect.REFUSED) {
                                sample(samples, k + ": served, not refused");
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            sample(samples, k + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Tally(phase.count(), served.get(), refused.get(), claimed.get(), peer.get(), other.get(),
                errors.get(), List.copyOf(samples), (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * The peer as a servlet container shows it: IPv4, or its IPv4-mapped IPv6 form on a dual-stack socket (which
     * Java turns into the IPv4 address when it parses it).
     */
    static boolean isPeer(String seen, String peer) {
        return same(peer, seen);
    }

    /** Whether two address texts are the same address, whatever the notation ({@code ::1}, {@code [0:0:...:1]}). */
    static boolean same(String ip, String seen) {
        String s = seen.startsWith("[") && seen.endsWith("]") ? seen.substring(1, seen.length() - 1) : seen;
        try {
            return RawExchange.literal(ip).equals(RawExchange.literal(s));
        } catch (IllegalArgumentException notAnAddress) {
            return false;
        }
    }

    private static void sample(List<String> samples, String s) {
        if (samples.size() < 10) {
            samples.add(s);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\r');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** One connection's bytes, and the client addresses it claims. */
    private record Connection(byte[] bytes, List<String> claims, boolean expectClaim) {
    }

    /**
     * Connection {@code k}: v1 and v2 alternate, and IPv4 and IPv6 claims alternate in pairs, so every
     * combination comes up; the forwarded headers vary the same way.
     */
    private static Connection connection(SpoofPhase phase, int k) {
        int version = 1 + k % 2;
        boolean ipv6 = (k / 2) % 2 == 1;
        String claim = ipv6 ? "2001:db8::" + Integer.toHexString(1 + k % 0xFFFE) : "203.0.113." + (1 + k % 250);
        String forwarded = (k / 4) % 2 == 1 ? "2001:db8:f::" + Integer.toHexString(1 + k % 0xFFFE)
                : "198.51.100." + (1 + k % 250);
        String request = "GET /spoof?k=" + k + " HTTP/1.1\r\nHost: receiver\r\n";
        List<String> claims = new ArrayList<>();
        byte[] header = new byte[0];
        switch (phase.traffic()) {
            case HEADER -> {
                header = Served.header(version, claim, 1024 + k % 60000);
                claims.add(claim);
            }
            case HEADER_AND_FORWARDED -> {
                header = Served.header(version, claim, 1024 + k % 60000);
                claims.add(claim);
                claims.add(forwarded);
                request += forwardedHeaders(k, forwarded);
            }
            case NO_HEADER -> {
            }
            case FORWARDED_ONLY -> {
                claims.add(forwarded);
                request += forwardedHeaders(k, forwarded);
            }
            case FORWARDER_HEADER_AND_FORWARDED -> {
                header = Served.header(version, FORWARDER, 1024 + k % 60000);
                claims.add(FORWARDED_CLIENT);
                request += "X-Forwarded-For: " + FORWARDED_CLIENT + "\r\n";
            }
            default -> throw new IllegalArgumentException(phase.traffic().toString());
        }
        request += "Connection: close\r\n\r\n";
        boolean expectClaim = phase.expect() == SpoofPhase.Expect.SERVED_AS_CLAIMED
                || phase.expect() == SpoofPhase.Expect.SERVED_AS_FORWARDED;
        return new Connection(Wire.concat(header, request.getBytes(StandardCharsets.ISO_8859_1)), claims,
                expectClaim);
    }

    /** X-Forwarded-For, Forwarded (RFC 7239, IPv6 quoted in brackets), X-Real-IP, or all of them. */
    private static String forwardedHeaders(int k, String ip) {
        String rfc7239 = ip.indexOf(':') >= 0 ? "\"[" + ip + "]\"" : ip;
        return switch (k % 4) {
            case 0 -> "X-Forwarded-For: " + ip + "\r\n";
            case 1 -> "Forwarded: for=" + rfc7239 + ";proto=https\r\n";
            case 2 -> "X-Real-IP: " + ip + "\r\nX-Forwarded-Proto: https\r\n";
            default -> "X-Forwarded-For: " + ip + "\r\nForwarded: for=" + rfc7239 + "\r\nX-Real-IP: " + ip + "\r\n";
        };
    }
}

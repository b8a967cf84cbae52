package io.github.proxyproto4j.interop.hardening;

import io.github.proxyproto4j.core.Outcome;
import io.github.proxyproto4j.core.Reason;
import java.util.Map;

/**
 * One batch of connections of a spoofing scenario: who connects, what it sends, and what the receiver must do.
 *
 * @param name the scenario, as in the summary line and spoofing.json
 * @param peer the client's address
 * @param traffic what each connection sends
 * @param count how many connections
 * @param expect what the receiver must do with every one of them
 */
record SpoofPhase(String name, String peer, Traffic traffic, int count, Expect expect) {

    /** What a connection sends. */
    enum Traffic {
        /** A v1 or v2 header claiming another client (IPv4 or IPv6), then a request. */
        HEADER,
        /** The same, and the request claims yet other clients in X-Forwarded-For, Forwarded or X-Real-IP. */
        HEADER_AND_FORWARDED,
        /** A request without a header (a direct client in mixed mode). */
        NO_HEADER,
        /** A request with forwarded headers and no PROXY header (a direct client in mixed mode). */
        FORWARDED_ONLY,
        /** A header claiming {@link SpoofLoad#FORWARDER}, a trusted forwarder, then X-Forwarded-For. */
        FORWARDER_HEADER_AND_FORWARDED
    }

    /** What the receiver must do with each connection. */
    enum Expect {
        /** Close without a byte; counted REJECTED for UNTRUSTED_PEER. */
        REFUSED(Outcome.REJECTED, Reason.UNTRUSTED_PEER),
        /** Serve, showing the peer itself; counted IGNORED (header consumed, not applied). */
        SERVED_AS_PEER_IGNORED(Outcome.IGNORED, null),
        /** Serve, showing the peer itself; counted DIRECT (mixed mode, no header). */
        SERVED_AS_PEER_DIRECT(Outcome.DIRECT, null),
        /** Serve, showing the header's client; counted ACCEPTED (the peer is trusted: a positive control). */
        SERVED_AS_CLAIMED(Outcome.ACCEPTED, null),
        /** Serve, showing the X-Forwarded-For client of a trusted forwarder (positive control of the guard). */
        SERVED_AS_FORWARDED(Outcome.ACCEPTED, null);

        final Outcome outcome;
        final Reason reason;

        Expect(Outcome outcome, Reason reason) {
            this.outcome = outcome;
            this.reason = reason;
        }

        Counts counts(long n) {
            return reason == null ? Counts.of(outcome, n)
                    : new Counts(Map.of(outcome, n), Map.of(reason, n));
        }
    }
}

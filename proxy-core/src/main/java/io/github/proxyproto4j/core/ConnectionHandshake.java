package io.github.proxyproto4j.core;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * One connection's PROXY handshake, from accept to its {@link Outcome}: the decision table driven by the
 * bytes, the end of stream and the clock. Not thread-safe: adapters call it from one thread at a time.
 *
 * <p>Use: {@link ProxyProtocolPolicy#open} at accept; while {@link #needsBytes()}, pass each read to
 * {@link #onBytes}; call {@link #onEndOfStream()} on EOF and {@link #onTimeout()} when
 * {@link #deadlineNanos()} passes. Once {@link #isDone()}: close a rejected connection without writing;
 * otherwise hand the remaining bytes on, seen through {@link #remoteAddress} and {@link #localAddress}.
 */
public final class ConnectionHandshake {
    private final ProxyProtocolPolicy policy;
    private final ProxyProtocolConfig config;
    private final SocketAddress peer;
    private final boolean trusted;
    private final long deadlineNanos;

    private DecisionTable.Next next;
    private ProxyHeaderDecoder decoder;
    private boolean holdsPendingSlot;
    private Outcome outcome;
    private Reason reason = Reason.NONE;
    private ProxyHeader header;

    ConnectionHandshake(ProxyProtocolPolicy policy, SocketAddress peer, boolean trusted, long acceptNanos) {
        this.policy = policy;
        this.config = policy.config();
        this.peer = peer;
        this.trusted = trusted;
        this.deadlineNanos = acceptNanos + config.headerTimeout().toNanos();
        DecisionTable.Decision d = decide(DecisionTable.Event.CONNECTED, null);
        if (d.next() == DecisionTable.Next.READ_HEADER && !policy.acquirePending()) {
            d = decide(DecisionTable.Event.OVER_MAX_PENDING, null);
        }
        apply(d);
        if (next == DecisionTable.Next.READ_HEADER) {
            holdsPendingSlot = true;
            decoder = config.newDecoder();
        }
    }

    /** @return whether the outcome is decided */
    public boolean isDone() {
        return outcome != null;
    }

    /** @return whether bytes are needed to decide: a header to read, or first bytes to look at */
    public boolean needsBytes() {
        return outcome == null;
    }

    /**
     * @return whether the handshake waits for a header, under the header timeout; false while only looking for
     *         a signature (mixed mode, untrusted peer), which has no deadline of its own
     */
    public boolean readsHeader() {
        return next == DecisionTable.Next.READ_HEADER;
    }

    /** @return the {@code System.nanoTime()} at which a header still incomplete is rejected */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** @return the outcome, or null while undecided */
    public Outcome outcome() {
        return outcome;
    }

    /** @return why it was rejected, or {@link Reason#NONE} */
    public Reason reason() {
        return reason;
    }

    /** @return the decoded header (ACCEPTED, LOCAL, IGNORED), or null */
    public ProxyHeader header() {
        return header;
    }

    /** @return the socket's remote address: the proxy's, when a header was applied */
    public SocketAddress peer() {
        return peer;
    }

    /** @return whether the peer is a trusted proxy */
    public boolean trusted() {
        return trusted;
    }

    /**
     * Feeds bytes that arrived. While reading a header, the header's bytes are consumed and what follows it
     * stays in {@code in}; while looking for a signature, nothing is consumed.
     *
     * @param in the bytes read, from position to limit
     * @return whether the outcome is now decided
     */
    public boolean onBytes(ByteBuffer in) {
        if (outcome != null) {
            return true;
        }
        if (next == DecisionTable.Next.DETECT_SIGNATURE) {
            Detection d = ProxyHeaderDecoder.detect(in);
            if (d == Detection.V1 || d == Detection.V2) {
                finish(decide(DecisionTable.Event.PROXY_SIGNATURE, null));
            } else if (d == Detection.NOT_PROXY) {
                finish(decide(DecisionTable.Event.NO_SIGNATURE, null));
            }
            return outcome != null;
        }
        try {
            ProxyHeader h = decoder.decode(in);
            if (h != null) {
                header = h;
                finish(decide(DecisionTable.carriesClient(h) ? DecisionTable.Event.PROXY_HEADER
                        : DecisionTable.Event.NON_PROXY_HEADER, null));
            }
        } catch (ProxyProtocolException e) {
            finish(decide(DecisionTable.Event.MALFORMED, e.reason()));
        }
        return outcome != null;
    }

    /**
     * The peer closed its side before the outcome was decided.
     */
    public void onEndOfStream() {
        if (outcome != null) {
            return;
        }
        if (next == DecisionTable.Next.DETECT_SIGNATURE) {
            finish(decide(DecisionTable.Event.NO_SIGNATURE, null)); // nothing spoofed; the server sees EOF
        } else {
            finish(decide(DecisionTable.Event.END_OF_STREAM, null));
        }
    }

    /**
     * The header timeout passed. Ignored once decided, or while only looking for a signature.
     *
     * @return whether this rejected the connection
     */
    public boolean onTimeout() {
        if (outcome != null || next != DecisionTable.Next.READ_HEADER) {
            return false;
        }
        finish(decide(DecisionTable.Event.TIMEOUT, null));
        return true;
    }

    /**
     * Checks the deadline against the policy's clock.
     *
     * @return whether this rejected the connection
     */
    public boolean checkDeadline() {
        return policy.nanoTime() - deadlineNanos >= 0 && onTimeout();
    }

    /** @return whether the header's addresses apply to requests: ACCEPTED only */
    public boolean applied() {
        return outcome == Outcome.ACCEPTED;
    }

    /**
     * @param socketRemote the socket's remote address
     * @return the address requests see as the client: the header's source when applied
     */
    public SocketAddress remoteAddress(SocketAddress socketRemote) {
        return applied() ? header.sourceAddress() : socketRemote;
    }

    /**
     * @param socketLocal the socket's local address
     * @return the address requests see as local: the header's destination when applied and
     *         {@code local-address-from-header} is set
     */
    public SocketAddress localAddress(SocketAddress socketLocal) {
        return applied() && config.localAddressFromHeader() ? header.destinationAddress() : socketLocal;
    }

    /**
     * @return whether requests count as secure (https) because the applied header's SSL TLV says the client
     *         used TLS, and {@code secure-from-ssl-tlv} is set
     */
    public boolean secure() {
        return applied() && config.secureFromSslTlv() && header.ssl().map(SslInfo::clientSsl).orElse(false);
    }

    private DecisionTable.Decision decide(DecisionTable.Event event, Reason parseReason) {
        return DecisionTable.decide(config.mode(), trusted, config.untrustedAction(), event, parseReason);
    }

    private void apply(DecisionTable.Decision d) {
        next = d.next();
        if (d.outcome() != null) {
            finish(d);
        }
    }

    private void finish(DecisionTable.Decision d) {
        next = DecisionTable.Next.DONE;
        outcome = d.outcome();
        reason = d.reason();
        if (holdsPendingSlot) {
            holdsPendingSlot = false;
            policy.releasePending();
        }
        decoder = null;
        policy.report(outcome, reason, peer);
    }

    @Override
    public String toString() {
        return "ConnectionHandshake{peer=" + peer + ", trusted=" + trusted + ", next=" + next + ", outcome="
                + outcome + ", reason=" + reason + '}';
    }
}

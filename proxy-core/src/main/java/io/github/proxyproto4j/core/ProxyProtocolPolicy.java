package io.github.proxyproto4j.core;

import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One PROXY protocol port's policy: its configuration, its count of connections waiting for a header,
 * its listener and its log. Thread-safe; adapters make one per connector and {@link #open} a
 * {@link ConnectionHandshake} per accepted connection.
 */
public final class ProxyProtocolPolicy {
    private static final System.Logger LOG = System.getLogger("io.github.proxyproto4j");

    private final ProxyProtocolConfig config;
    private final ProxyProtocolListener listener;
    private final RateLimitedLog log;
    private final LongSupplier nanoTime;
    private final AtomicInteger pending = new AtomicInteger();

    /**
     * A policy that logs rejections at most once per reason per minute. Logs one WARN now if every peer is
     * trusted.
     *
     * @param config the configuration
     * @param listener hears every outcome
     */
    public ProxyProtocolPolicy(ProxyProtocolConfig config, ProxyProtocolListener listener) {
        this(config, listener, new RateLimitedLog(), System::nanoTime);
    }

    /**
     * A policy with its own log and clock, for tests and embedders.
     *
     * @param config the configuration
     * @param listener hears every outcome
     * @param log where rejections are reported
     * @param nanoTime the clock for header deadlines
     */
    public ProxyProtocolPolicy(ProxyProtocolConfig config, ProxyProtocolListener listener, RateLimitedLog log,
            LongSupplier nanoTime) {
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.log = Objects.requireNonNull(log, "log");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        if (config.trustedProxies().trustsAll()) {
            LOG.log(Level.WARNING, "PROXY protocol: trusted-proxies is empty, so every peer may send a header "
                    + "and choose the client address it claims. Set trusted-proxies to your load balancers.");
        }
    }

    /** @return the configuration */
    public ProxyProtocolConfig config() {
        return config;
    }

    /** @return connections waiting for their header now */
    public int pending() {
        return pending.get();
    }

    /**
     * Starts the handshake of a connection just accepted. It may be decided at once: check
     * {@link ConnectionHandshake#isDone()} and close a rejected connection without reading.
     *
     * @param peer the socket's remote address
     * @return the handshake
     */
    public ConnectionHandshake open(SocketAddress peer) {
        return new ConnectionHandshake(this, peer, config.trustedProxies().isTrusted(peer), nanoTime.getAsLong());
    }

    long nanoTime() {
        return nanoTime.getAsLong();
    }

    /** Takes a pending slot. @return false if max-pending slots are taken */
    boolean acquirePending() {
        while (true) {
            int now = pending.get();
            if (now >= config.maxPending()) {
                return false;
            }
            if (pending.compareAndSet(now, now + 1)) {
                listener.onPendingChanged(1);
                return true;
            }
        }
    }

    void releasePending() {
        pending.decrementAndGet();
        listener.onPendingChanged(-1);
    }

    void report(Outcome outcome, Reason reason, SocketAddress peer) {
        listener.onOutcome(outcome, reason);
        if (outcome == Outcome.REJECTED) {
            log.rejected(reason, peer);
        }
    }
}

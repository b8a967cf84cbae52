package io.github.proxyproto4j.core;

/**
 * Hears how each connection's handshake ended. Adapters call it; the Spring Boot starter binds it to
 * Micrometer. Tag metrics by outcome and reason only, never by address (reactor-netty #2945).
 * Implementations must be thread-safe, quick and must not block: they run on I/O threads (Jetty's selectors,
 * Tomcat's acceptor and pollers).
 */
public interface ProxyProtocolListener {
    /** A listener that does nothing. */
    ProxyProtocolListener NONE = (outcome, reason) -> { };

    /**
     * Called once per connection.
     *
     * @param outcome how the handshake ended
     * @param reason why it was rejected, or {@link Reason#NONE}
     */
    void onOutcome(Outcome outcome, Reason reason);

    /**
     * Called when a connection starts (+1) or stops (-1) waiting for its header.
     *
     * @param delta +1 or -1
     */
    default void onPendingChanged(int delta) {
    }

    /**
     * Combines listeners; each hears every event, in order.
     *
     * @param listeners the listeners
     * @return one listener
     */
    static ProxyProtocolListener of(ProxyProtocolListener... listeners) {
        ProxyProtocolListener[] all = listeners.clone();
        return new ProxyProtocolListener() {
            @Override
            public void onOutcome(Outcome outcome, Reason reason) {
                for (ProxyProtocolListener l : all) {
                    l.onOutcome(outcome, reason);
                }
            }

            @Override
            public void onPendingChanged(int delta) {
                for (ProxyProtocolListener l : all) {
                    l.onPendingChanged(delta);
                }
            }
        };
    }
}

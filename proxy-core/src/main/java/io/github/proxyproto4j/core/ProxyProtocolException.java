package io.github.proxyproto4j.core;

import java.io.IOException;
import java.util.Objects;

/** A connection's PROXY header was refused, for the precise {@link #reason()}. */
public class ProxyProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    /**
     * Creates an exception for {@code reason} with a human-readable detail.
     *
     * @param reason why the header was refused
     * @param message what exactly was wrong, for logs
     */
    public ProxyProtocolException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return why the header was refused */
    public Reason reason() {
        return reason;
    }

    /** Connections are refused by the thousand under attack; a stack trace per connection is waste. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}

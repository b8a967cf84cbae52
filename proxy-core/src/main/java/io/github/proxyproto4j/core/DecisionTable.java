package io.github.proxyproto4j.core;

import java.util.Objects;

/**
 * The policy as a pure function: what to do with every combination of mode, peer and what arrived.
 * {@link ConnectionHandshake} drives it for one connection; the table in the core README is this class.
 */
public final class DecisionTable {

    /** What is known about a connection when a decision is due. */
    public enum Event {
        /** The connection was just accepted; nothing has been read. */
        CONNECTED,
        /** At accept, the connections already waiting for a header fill {@code max-pending}. */
        OVER_MAX_PENDING,
        /** A complete header with a client to apply: PROXY, INET or INET6, STREAM. */
        PROXY_HEADER,
        /** A complete header without a client to apply: LOCAL, v1 UNKNOWN, UNSPEC, DGRAM or UNIX. */
        NON_PROXY_HEADER,
        /** The decoder refused the bytes (including {@link Reason#NOT_PROXY}: no header at all). */
        MALFORMED,
        /** The peer closed before a complete header. */
        END_OF_STREAM,
        /** The header timeout passed before a complete header. */
        TIMEOUT,
        /** Mixed mode, untrusted peer: its first bytes are no PROXY signature. */
        NO_SIGNATURE,
        /** Mixed mode, untrusted peer: its first bytes are a PROXY signature. */
        PROXY_SIGNATURE
    }

    /** What to do next while no outcome is due. */
    public enum Next {
        /** Read and decode a header, under the header timeout, counted in max-pending. */
        READ_HEADER,
        /** Look at the first bytes for a PROXY signature, consuming nothing. */
        DETECT_SIGNATURE,
        /** The outcome is decided. */
        DONE
    }

    /**
     * A decision: either what to do next, or the outcome with its reason.
     *
     * @param next what to do next; {@link Next#DONE} when {@code outcome} is set
     * @param outcome the outcome, or null while not done
     * @param reason why it was rejected, {@link Reason#NONE} otherwise
     */
    public record Decision(Next next, Outcome outcome, Reason reason) {
        /** Checks that an outcome comes exactly with DONE, and a reason exactly with REJECTED. */
        public Decision {
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(reason, "reason");
            if ((next == Next.DONE) != (outcome != null) || (outcome == Outcome.REJECTED) == (reason == Reason.NONE)) {
                throw new IllegalArgumentException(next + " " + outcome + " " + reason);
            }
        }

        static Decision then(Next next) {
            return new Decision(next, null, Reason.NONE);
        }

        static Decision done(Outcome outcome) {
            return new Decision(Next.DONE, outcome, Reason.NONE);
        }

        static Decision rejected(Reason reason) {
            return new Decision(Next.DONE, Outcome.REJECTED, reason);
        }
    }

    private DecisionTable() {
    }

    /**
     * Decides.
     *
     * @param mode the port's mode
     * @param trusted whether the peer is a trusted proxy (an empty list trusts everyone)
     * @param action what to do with an untrusted peer on a required port
     * @param event what happened
     * @param parseReason the decoder's reason, for {@link Event#MALFORMED}; ignored otherwise
     * @return the decision
     */
    public static Decision decide(ProxyProtocolMode mode, boolean trusted, UntrustedAction action, Event event,
            Reason parseReason) {
        boolean mustSendHeader = trusted;
        boolean readsHeader = trusted || (mode == ProxyProtocolMode.REQUIRED && action == UntrustedAction.IGNORE);
        switch (event) {
            case CONNECTED:
                if (readsHeader) {
                    return Decision.then(Next.READ_HEADER);
                }
                if (mode == ProxyProtocolMode.MIXED) {
                    return Decision.then(Next.DETECT_SIGNATURE);
                }
                return Decision.rejected(Reason.UNTRUSTED_PEER); // required, untrusted, reject: at accept
            case OVER_MAX_PENDING:
                return Decision.rejected(Reason.TOO_MANY_PENDING);
            case PROXY_HEADER:
                return Decision.done(mustSendHeader ? Outcome.ACCEPTED : Outcome.IGNORED);
            case NON_PROXY_HEADER:
                return Decision.done(mustSendHeader ? Outcome.LOCAL : Outcome.IGNORED);
            case MALFORMED:
                return Decision.rejected(Objects.requireNonNull(parseReason, "parseReason"));
            case END_OF_STREAM:
                return Decision.rejected(Reason.NO_HEADER);
            case TIMEOUT:
                return Decision.rejected(Reason.HEADER_TIMEOUT);
            case NO_SIGNATURE:
                return Decision.done(Outcome.DIRECT);
            default: // PROXY_SIGNATURE: an untrusted peer tried to speak for someone else
                return Decision.rejected(Reason.UNTRUSTED_PEER);
        }
    }

    /**
     * Whether a complete header carries a client the request may see.
     *
     * @param header a decoded header
     * @return true for PROXY with INET or INET6 over STREAM
     */
    public static boolean carriesClient(ProxyHeader header) {
        return header.command() == Command.PROXY && header.transport() == TransportProtocol.STREAM
                && (header.family() == AddressFamily.INET || header.family() == AddressFamily.INET6);
    }
}

package io.github.proxyproto4j.core;

import static io.github.proxyproto4j.core.DecisionTable.Event.CONNECTED;
import static io.github.proxyproto4j.core.DecisionTable.Event.END_OF_STREAM;
import static io.github.proxyproto4j.core.DecisionTable.Event.MALFORMED;
import static io.github.proxyproto4j.core.DecisionTable.Event.NON_PROXY_HEADER;
import static io.github.proxyproto4j.core.DecisionTable.Event.NO_SIGNATURE;
import static io.github.proxyproto4j.core.DecisionTable.Event.OVER_MAX_PENDING;
import static io.github.proxyproto4j.core.DecisionTable.Event.PROXY_HEADER;
import static io.github.proxyproto4j.core.DecisionTable.Event.PROXY_SIGNATURE;
import static io.github.proxyproto4j.core.DecisionTable.Event.TIMEOUT;
import static io.github.proxyproto4j.core.ProxyProtocolMode.MIXED;
import static io.github.proxyproto4j.core.ProxyProtocolMode.REQUIRED;
import static io.github.proxyproto4j.core.UntrustedAction.IGNORE;
import static io.github.proxyproto4j.core.UntrustedAction.REJECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.DecisionTable.Decision;
import io.github.proxyproto4j.core.DecisionTable.Event;
import io.github.proxyproto4j.core.DecisionTable.Next;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import org.junit.jupiter.api.Test;

/** Every row of the decision table in the core README, as the pure function. */
class DecisionTableTest {

    private static Decision d(ProxyProtocolMode mode, boolean trusted, UntrustedAction action, Event event) {
        return DecisionTable.decide(mode, trusted, action, event, event == MALFORMED ? Reason.BAD_PORT : null);
    }

    private static void done(Decision d, Outcome outcome, Reason reason) {
        assertEquals(Next.DONE, d.next());
        assertEquals(outcome, d.outcome());
        assertEquals(reason, d.reason());
    }

    @Test
    void requiredTrustedReadsAHeader() {
        for (UntrustedAction a : UntrustedAction.values()) {
            assertEquals(Next.READ_HEADER, d(REQUIRED, true, a, CONNECTED).next());
        }
    }

    @Test
    void row1RequiredTrustedValidHeaderIsAccepted() {
        done(d(REQUIRED, true, REJECT, PROXY_HEADER), Outcome.ACCEPTED, Reason.NONE);
    }

    @Test
    void row2RequiredTrustedLocalUnknownUnspecOrUnsupportedIsLocal() {
        done(d(REQUIRED, true, REJECT, NON_PROXY_HEADER), Outcome.LOCAL, Reason.NONE);
    }

    @Test
    void row3RequiredTrustedNoHeaderOrMalformedIsRejected() {
        done(d(REQUIRED, true, REJECT, END_OF_STREAM), Outcome.REJECTED, Reason.NO_HEADER);
        done(d(REQUIRED, true, REJECT, MALFORMED), Outcome.REJECTED, Reason.BAD_PORT);
        done(DecisionTable.decide(REQUIRED, true, REJECT, MALFORMED, Reason.NOT_PROXY), Outcome.REJECTED,
                Reason.NOT_PROXY);
    }

    @Test
    void row4RequiredUntrustedRejectIsClosedAtAccept() {
        done(d(REQUIRED, false, REJECT, CONNECTED), Outcome.REJECTED, Reason.UNTRUSTED_PEER);
    }

    @Test
    void row5RequiredUntrustedIgnoreConsumesAValidHeaderWithoutApplyingIt() {
        assertEquals(Next.READ_HEADER, d(REQUIRED, false, IGNORE, CONNECTED).next());
        done(d(REQUIRED, false, IGNORE, PROXY_HEADER), Outcome.IGNORED, Reason.NONE);
        done(d(REQUIRED, false, IGNORE, NON_PROXY_HEADER), Outcome.IGNORED, Reason.NONE);
    }

    @Test
    void row6RequiredUntrustedIgnoreNoHeaderOrMalformedIsRejected() {
        done(d(REQUIRED, false, IGNORE, END_OF_STREAM), Outcome.REJECTED, Reason.NO_HEADER);
        done(d(REQUIRED, false, IGNORE, MALFORMED), Outcome.REJECTED, Reason.BAD_PORT);
    }

    @Test
    void row7MixedTrustedIsAsRequired() {
        for (UntrustedAction a : UntrustedAction.values()) {
            assertEquals(Next.READ_HEADER, d(MIXED, true, a, CONNECTED).next());
            for (Event e : new Event[] {PROXY_HEADER, NON_PROXY_HEADER, MALFORMED, END_OF_STREAM, TIMEOUT}) {
                assertEquals(d(REQUIRED, true, REJECT, e), d(MIXED, true, a, e), e.name());
            }
        }
    }

    @Test
    void row8MixedUntrustedWithoutSignatureIsDirect() {
        for (UntrustedAction a : UntrustedAction.values()) {
            assertEquals(Next.DETECT_SIGNATURE, d(MIXED, false, a, CONNECTED).next());
            done(d(MIXED, false, a, NO_SIGNATURE), Outcome.DIRECT, Reason.NONE);
        }
    }

    @Test
    void row9MixedUntrustedWithASignatureIsRejected() {
        for (UntrustedAction a : UntrustedAction.values()) {
            done(d(MIXED, false, a, PROXY_SIGNATURE), Outcome.REJECTED, Reason.UNTRUSTED_PEER);
        }
    }

    @Test
    void row10AnyHeaderIncompleteAtTimeoutIsRejected() {
        for (ProxyProtocolMode m : ProxyProtocolMode.values()) {
            for (UntrustedAction a : UntrustedAction.values()) {
                for (boolean trusted : new boolean[] {true, false}) {
                    done(d(m, trusted, a, TIMEOUT), Outcome.REJECTED, Reason.HEADER_TIMEOUT);
                }
            }
        }
    }

    @Test
    void row11AnyOverMaxPendingIsRejected() {
        for (ProxyProtocolMode m : ProxyProtocolMode.values()) {
            for (UntrustedAction a : UntrustedAction.values()) {
                for (boolean trusted : new boolean[] {true, false}) {
                    done(d(m, trusted, a, OVER_MAX_PENDING), Outcome.REJECTED, Reason.TOO_MANY_PENDING);
                }
            }
        }
    }

    @Test
    void onlyProxyInetOverStreamCarriesAClient() throws Exception {
        InetSocketAddress a = new InetSocketAddress("10.0.0.1", 1);
        InetSocketAddress six = new InetSocketAddress("2001:db8::1", 1);
        assertTrue(DecisionTable.carriesClient(ProxyHeader.builder().addresses(a, a).build()));
        assertTrue(DecisionTable.carriesClient(ProxyHeader.builder().addresses(six, six).build()));
        assertTrue(DecisionTable.carriesClient(ProxyHeader.builder().version(1).addresses(a, a).build()));
        assertFalse(DecisionTable.carriesClient(ProxyHeader.builder().build()));
        assertFalse(DecisionTable.carriesClient(ProxyHeader.builder().version(1).build()));
        assertFalse(DecisionTable.carriesClient(ProxyHeader.builder().command(Command.LOCAL).addresses(a, a).build()));
        assertFalse(DecisionTable.carriesClient(ProxyHeader.builder().addresses(a, a)
                .transport(TransportProtocol.DGRAM).build()));
        assertFalse(DecisionTable.carriesClient(ProxyHeader.builder()
                .addresses(UnixDomainSocketAddress.of("/a"), UnixDomainSocketAddress.of("/b")).build()));
    }

    @Test
    void decisionsAreConsistent() {
        assertThrows(IllegalArgumentException.class, () -> new Decision(Next.DONE, null, Reason.NONE));
        assertThrows(IllegalArgumentException.class, () -> new Decision(Next.DONE, Outcome.REJECTED, Reason.NONE));
        assertThrows(IllegalArgumentException.class, () -> new Decision(Next.READ_HEADER, Outcome.ACCEPTED, Reason.NONE));
        assertThrows(IllegalArgumentException.class, () -> new Decision(Next.DONE, Outcome.ACCEPTED, Reason.BAD_PORT));
    }
}

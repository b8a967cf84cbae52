package io.github.proxyproto4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The decision table driven end to end: bytes, end of stream, the clock, pending slots and the listener. */
class ConnectionHandshakeTest {
    private static final InetSocketAddress LB = new InetSocketAddress("10.0.0.5", 41000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("203.0.113.7", 41000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.9", 9080);
    private static final String V1 = "PROXY TCP4 127.0.0.42 192.0.2.1 40000 443\r\n";
    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final ProxyProtocolCounters counters = new ProxyProtocolCounters();
    private final List<String> events = new ArrayList<>();

    private ProxyProtocolPolicy policy(ProxyProtocolConfig.Builder config) {
        ProxyProtocolListener recorder = new ProxyProtocolListener() {
            @Override
            public void onOutcome(Outcome outcome, Reason reason) {
                events.add(outcome + "/" + reason);
            }

            @Override
            public void onPendingChanged(int delta) {
                events.add("pending" + (delta > 0 ? "+" : "") + delta);
            }
        };
        return new ProxyProtocolPolicy(config.build(), ProxyProtocolListener.of(counters, recorder),
                new RateLimitedLog(System.getLogger("test"), Duration.ofSeconds(60), clock::get), clock::get);
    }

    private static ProxyProtocolConfig.Builder trusting(String list) {
        return ProxyProtocolConfig.builder().trustedProxies(list);
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void requiredTrustedValidHeaderIsAcceptedAndApplied() {
        ConnectionHandshake h = policy(trusting("10.0.0.0/8")).open(LB);
        assertTrue(h.readsHeader());
        ByteBuffer in = ascii(V1 + GET);
        assertTrue(h.onBytes(in));
        assertEquals(Outcome.ACCEPTED, h.outcome());
        assertEquals(Reason.NONE, h.reason());
        assertEquals(GET, StandardCharsets.US_ASCII.decode(in).toString(), "the request stays for the server");
        assertEquals(new InetSocketAddress("127.0.0.42", 40000), h.remoteAddress(LB));
        assertEquals(new InetSocketAddress("192.0.2.1", 443), h.localAddress(SERVER));
        assertEquals(List.of("pending+1", "pending-1", "ACCEPTED/NONE"), events);
        assertEquals(1, counters.getAccepted());
        assertEquals(0, counters.getPending());
    }

    @Test
    void localAddressFromHeaderCanBeTurnedOff() {
        ConnectionHandshake h = policy(trusting("10.0.0.0/8").localAddressFromHeader(false)).open(LB);
        h.onBytes(ascii(V1));
        assertEquals(SERVER, h.localAddress(SERVER));
        assertEquals(new InetSocketAddress("127.0.0.42", 40000), h.remoteAddress(LB));
    }

    @Test
    void anEmptyListTrustsEveryone() {
        ConnectionHandshake h = policy(ProxyProtocolConfig.builder()).open(STRANGER);
        assertTrue(h.onBytes(ascii(V1)));
        assertEquals(Outcome.ACCEPTED, h.outcome());
    }

    @Test
    void requiredTrustedLocalKeepsTheSocketsAddresses() {
        for (String header : new String[] {"PROXY UNKNOWN\r\n", "PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n"}) {
            ConnectionHandshake h = policy(trusting("10.0.0.0/8")).open(LB);
            assertTrue(h.onBytes(ascii(header)));
            assertEquals(Outcome.LOCAL, h.outcome());
            assertEquals(LB, h.remoteAddress(LB));
            assertEquals(SERVER, h.localAddress(SERVER));
            assertFalse(h.secure());
        }
        ProxyHeader local = ProxyHeader.builder().command(Command.LOCAL).build();
        ProxyHeader dgram = ProxyHeader.builder().addresses(LB, SERVER).transport(TransportProtocol.DGRAM).build();
        ProxyHeader unix = ProxyHeader.builder()
                .addresses(UnixDomainSocketAddress.of("/a"), UnixDomainSocketAddress.of("/b")).build();
        for (ProxyHeader header : new ProxyHeader[] {local, dgram, unix}) {
            ConnectionHandshake h = policy(trusting("10.0.0.0/8")).open(LB);
            assertTrue(h.onBytes(ByteBuffer.wrap(ProxyHeaderEncoder.encode(header))));
            assertEquals(Outcome.LOCAL, h.outcome(), header.toString());
            assertEquals(LB, h.remoteAddress(LB));
        }
    }

    @Test
    void requiredTrustedNoHeaderOrMalformedIsRejected() {
        ConnectionHandshake noHeader = policy(trusting("10.0.0.0/8")).open(LB);
        assertFalse(noHeader.onBytes(ascii("PROXY TCP4 1.2")));
        noHeader.onEndOfStream();
        assertEquals(Outcome.REJECTED, noHeader.outcome());
        assertEquals(Reason.NO_HEADER, noHeader.reason());

        ConnectionHandshake http = policy(trusting("10.0.0.0/8")).open(LB);
        assertTrue(http.onBytes(ascii(GET)));
        assertEquals(Reason.NOT_PROXY, http.reason());

        ConnectionHandshake bad = policy(trusting("10.0.0.0/8")).open(LB);
        assertTrue(bad.onBytes(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 099\r\n")));
        assertEquals(Reason.BAD_PORT, bad.reason());
        assertNull(bad.header());
        assertEquals(2, counters.rejected(Reason.BAD_PORT) + counters.rejected(Reason.NOT_PROXY));
    }

    @Test
    void requiredUntrustedRejectIsDecidedAtAcceptWithoutReading() {
        ConnectionHandshake h = policy(trusting("10.0.0.0/8")).open(STRANGER);
        assertTrue(h.isDone());
        assertFalse(h.needsBytes());
        assertEquals(Reason.UNTRUSTED_PEER, h.reason());
        ByteBuffer in = ascii(V1);
        assertTrue(h.onBytes(in));
        assertEquals(0, in.position(), "nothing is read from a rejected connection");
        assertEquals(List.of("REJECTED/UNTRUSTED_PEER"), events, "never counted as pending");
    }

    @Test
    void requiredUntrustedIgnoreConsumesTheHeaderButKeepsTheSocketsAddresses() {
        ProxyProtocolPolicy p = policy(trusting("10.0.0.0/8").untrustedAction(UntrustedAction.IGNORE));
        ConnectionHandshake h = p.open(STRANGER);
        ByteBuffer in = ascii(V1 + GET);
        assertTrue(h.onBytes(in));
        assertEquals(Outcome.IGNORED, h.outcome());
        assertEquals(GET.length(), in.remaining());
        assertEquals(STRANGER, h.remoteAddress(STRANGER));
        assertEquals(SERVER, h.localAddress(SERVER));
        assertFalse(h.applied());
        Map<String, Object> attributes = ProxyProtocolAttributes.of(h);
        assertEquals(h.header(), attributes.get(ProxyProtocolAttributes.HEADER));
        assertEquals("203.0.113.7", attributes.get(ProxyProtocolAttributes.PROXY_ADDRESS));

        ConnectionHandshake none = p.open(STRANGER);
        none.onBytes(ascii(GET));
        assertEquals(Reason.NOT_PROXY, none.reason());
        ConnectionHandshake eof = p.open(STRANGER);
        eof.onEndOfStream();
        assertEquals(Reason.NO_HEADER, eof.reason());
    }

    @Test
    void mixedTrustedMustSendAHeader() {
        ProxyProtocolPolicy p = policy(trusting("10.0.0.0/8").mode(ProxyProtocolMode.MIXED));
        ConnectionHandshake ok = p.open(LB);
        assertTrue(ok.readsHeader());
        ok.onBytes(ascii(V1));
        assertEquals(Outcome.ACCEPTED, ok.outcome());
        ConnectionHandshake missing = p.open(LB);
        missing.onBytes(ascii(GET));
        assertEquals(Reason.NOT_PROXY, missing.reason());
    }

    @Test
    void mixedUntrustedWithoutSignatureIsDirectAndUntouched() {
        ProxyProtocolPolicy p = policy(trusting("10.0.0.0/8").mode(ProxyProtocolMode.MIXED));
        for (String first : new String[] {GET, "POST / HTTP/1.1\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "\u0016\u0003\u0001"}) {
            ConnectionHandshake h = p.open(STRANGER);
            assertFalse(h.readsHeader(), "a direct client has no header deadline and takes no pending slot");
            ByteBuffer in = ByteBuffer.wrap(first.getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(h.onBytes(in));
            assertEquals(Outcome.DIRECT, h.outcome());
            assertEquals(0, in.position(), "bytes untouched");
            assertEquals(STRANGER, h.remoteAddress(STRANGER));
        }
        ConnectionHandshake partial = p.open(STRANGER);
        assertFalse(partial.onBytes(ascii("PRO")), "PRO could still be PROXY or PROPFIND: wait");
        assertTrue(partial.onBytes(ascii("PROPFIND / HTTP/1.1\r\n")));
        assertEquals(Outcome.DIRECT, partial.outcome());
        assertFalse(events.contains("pending+1"));
    }

    @Test
    void mixedUntrustedWithASignatureIsRejected() {
        ProxyProtocolPolicy p = policy(trusting("10.0.0.0/8").mode(ProxyProtocolMode.MIXED));
        ConnectionHandshake v1 = p.open(STRANGER);
        assertTrue(v1.onBytes(ascii(V1)));
        assertEquals(Reason.UNTRUSTED_PEER, v1.reason());
        ConnectionHandshake v2 = p.open(STRANGER);
        assertTrue(v2.onBytes(ByteBuffer.wrap(ProxyHeaderEncoder.encode(ProxyHeader.builder().addresses(LB, SERVER).build()))));
        assertEquals(Reason.UNTRUSTED_PEER, v2.reason());
    }

    @Test
    void theHeaderTimeoutIsAbsoluteFromAccept() {
        ProxyProtocolPolicy p = policy(trusting("10.0.0.0/8").headerTimeout(Duration.ofSeconds(5)));
        ConnectionHandshake h = p.open(LB);
        assertEquals(clock.get() + 5_000_000_000L, h.deadlineNanos());
        byte[] line = V1.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 10; i++) { // a byte every 0.49 s: trickling must not move the deadline
            clock.addAndGet(490_000_000L);
            assertFalse(h.onBytes(ByteBuffer.wrap(line, i, 1)));
            assertFalse(h.checkDeadline());
        }
        clock.addAndGet(100_000_000L);
        assertTrue(h.checkDeadline());
        assertEquals(Reason.HEADER_TIMEOUT, h.reason());
        assertEquals(0, p.pending());
        assertFalse(h.onTimeout(), "decided only once");
        assertEquals(1, counters.getRejected());
    }

    @Test
    void timeoutDoesNotApplyOnceDecidedOrToDirectClients() {
        ProxyProtocolPolicy p = policy(trusting("10.0.0.0/8").mode(ProxyProtocolMode.MIXED));
        ConnectionHandshake accepted = p.open(LB);
        accepted.onBytes(ascii(V1));
        assertFalse(accepted.onTimeout());
        ConnectionHandshake direct = p.open(STRANGER);
        assertFalse(direct.onTimeout());
        assertNull(direct.outcome());
    }

    @Test
    void maxPendingClosesTheNextConnectionAtAccept() {
        ProxyProtocolPolicy p = policy(trusting("10.0.0.0/8").maxPending(2));
        ConnectionHandshake a = p.open(LB);
        ConnectionHandshake b = p.open(LB);
        assertEquals(2, p.pending());
        ConnectionHandshake c = p.open(LB);
        assertTrue(c.isDone());
        assertEquals(Reason.TOO_MANY_PENDING, c.reason());
        assertEquals(2, p.pending());
        a.onBytes(ascii(V1));
        assertEquals(1, p.pending());
        b.onEndOfStream();
        assertEquals(0, p.pending());
        ConnectionHandshake d = p.open(LB);
        assertTrue(d.readsHeader());
        assertEquals(1, counters.getPending());
    }

    @Test
    void theSslTlvMakesRequestsSecureWhenConfigured() {
        ProxyHeader tls = ProxyHeader.builder().addresses(new InetSocketAddress("127.0.0.42", 1), SERVER)
                .ssl(SslInfo.of(SslInfo.CLIENT_SSL, 0, List.of(Tlv.of(TlvType.SSL_VERSION, "TLSv1.3".getBytes(StandardCharsets.US_ASCII)))))
                .alpn("h2").authority("example.com").awsVpcEndpointId("vpce-1").build();
        byte[] bytes = ProxyHeaderEncoder.encodeV2(tls, true);
        ConnectionHandshake on = policy(trusting("10.0.0.0/8")).open(LB);
        on.onBytes(ByteBuffer.wrap(bytes));
        assertTrue(on.secure());
        Map<String, Object> attributes = ProxyProtocolAttributes.of(on);
        assertEquals("10.0.0.5", attributes.get(ProxyProtocolAttributes.PROXY_ADDRESS));
        assertEquals(41000, attributes.get(ProxyProtocolAttributes.PROXY_PORT));
        assertEquals("h2", attributes.get(ProxyProtocolAttributes.ALPN));
        assertEquals("example.com", attributes.get(ProxyProtocolAttributes.AUTHORITY));
        assertEquals("vpce-1", attributes.get(ProxyProtocolAttributes.AWS_VPC_ENDPOINT_ID));
        assertTrue(attributes.get(ProxyProtocolAttributes.SSL) instanceof SslInfo);
        assertSame(on.header(), attributes.get(ProxyProtocolAttributes.HEADER));

        ConnectionHandshake off = policy(trusting("10.0.0.0/8").secureFromSslTlv(false)).open(LB);
        off.onBytes(ByteBuffer.wrap(bytes));
        assertFalse(off.secure());

        ProxyHeader plain = ProxyHeader.builder().addresses(new InetSocketAddress("127.0.0.42", 1), SERVER)
                .ssl(SslInfo.of(0, 0, List.of())).build(); // HAProxy sends client=0 on plain connections
        ConnectionHandshake notTls = policy(trusting("10.0.0.0/8")).open(LB);
        notTls.onBytes(ByteBuffer.wrap(ProxyHeaderEncoder.encode(plain)));
        assertFalse(notTls.secure());
    }

    @Test
    void aUnixPeerIsTrustedAndNamedInTheAttributes() {
        SocketAddress uds = UnixDomainSocketAddress.of("/run/lb.sock");
        ConnectionHandshake h = policy(trusting("10.0.0.0/8")).open(uds);
        assertTrue(h.trusted());
        h.onBytes(ascii(V1));
        assertEquals(Outcome.ACCEPTED, h.outcome());
        assertEquals("/run/lb.sock", ProxyProtocolAttributes.of(h).get(ProxyProtocolAttributes.PROXY_ADDRESS));
    }
}

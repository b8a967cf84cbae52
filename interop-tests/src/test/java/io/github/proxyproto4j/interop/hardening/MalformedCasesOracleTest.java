package io.github.proxyproto4j.interop.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.proxyproto4j.core.ProxyHeaderDecoder;
import io.github.proxyproto4j.core.ProxyProtocolException;
import io.github.proxyproto4j.core.Reason;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The malformed-input table checked against the core decoder, with the receivers' limits: each row's bytes must
 * produce the row's reason, whole and byte by byte, so that a wrong row fails here rather than "pass" against a
 * receiver. Needs no receiver.
 */
class MalformedCasesOracleTest {

    /** The reasons a connection's bytes can produce; the rest are the policy's (peer, clock, load). */
    private static final Set<Reason> FROM_BYTES = EnumSet.complementOf(EnumSet.of(Reason.NONE,
            Reason.UNTRUSTED_PEER, Reason.HEADER_TIMEOUT, Reason.TOO_MANY_PENDING));

    static Stream<MalformedCase> cases() {
        return MalformedCases.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decoderAgrees(MalformedCase c) {
        assertEquals(c.reason(), decodeWhole(c.bytes()), c.name() + ": all bytes in one read");
        assertEquals(c.reason(), decodeByteByByte(c.bytes()), c.name() + ": one byte per read");
    }

    @Test
    void theTableIsBigEnoughAndCoversEveryReasonFromBytes() {
        assertTrue(MalformedCases.ALL.size() >= 60, "at least 60 cases: " + MalformedCases.ALL.size());
        Set<Reason> seen = EnumSet.noneOf(Reason.class);
        Set<String> names = new HashSet<>();
        for (MalformedCase c : MalformedCases.ALL) {
            seen.add(c.reason());
            assertTrue(names.add(c.name()), "duplicate name: " + c.name());
            assertTrue(c.halfClose() == (c.reason() == Reason.NO_HEADER), c.name() + ": FIN exactly for NO_HEADER");
        }
        assertEquals(FROM_BYTES, seen, "reasons covered");
    }

    /** @return the reason, or NO_HEADER when the decoder still waits for bytes (the client then sends FIN) */
    private static Reason decodeWhole(byte[] bytes) {
        ProxyHeaderDecoder d = decoder();
        try {
            assertNull(d.decode(ByteBuffer.wrap(bytes)), "a malformed case decoded to a header");
            return Reason.NO_HEADER;
        } catch (ProxyProtocolException e) {
            return e.reason();
        }
    }

    private static Reason decodeByteByByte(byte[] bytes) {
        ProxyHeaderDecoder d = decoder();
        for (byte b : bytes) {
            try {
                if (d.decode(ByteBuffer.wrap(new byte[] {b})) != null) {
                    fail("a malformed case decoded to a header");
                }
            } catch (ProxyProtocolException e) {
                return e.reason();
            }
        }
        return Reason.NO_HEADER;
    }

    private static ProxyHeaderDecoder decoder() {
        return new ProxyHeaderDecoder(MalformedCases.MAX_HEADER_SIZE, MalformedCases.MAX_TLV_SIZE);
    }
}

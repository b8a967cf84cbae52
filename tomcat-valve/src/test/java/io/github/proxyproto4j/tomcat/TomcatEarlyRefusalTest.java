package io.github.proxyproto4j.tomcat;

import static io.github.proxyproto4j.tomcat.RawClient.BALANCER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.core.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Memory per connection is bounded whatever the input: the size limits are enforced on the declared sizes, before
 * anything is buffered, so the server closes while the client has not sent the rest. The header timeout is a
 * minute here, far beyond the client's 10 s read timeout, so a close cannot be the timeout's doing. The twin of the
 * Jetty module's {@code EarlyRefusalTest}.
 */
class TomcatEarlyRefusalTest {
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** Long enough to see a premature close; never decides a pass. */
    private static final int STILL_OPEN_MILLIS = 300;

    private TomcatFixture tomcat;

    @AfterEach
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    private void start(int maxHeaderSize, int maxTlvSize) throws Exception {
        tomcat = new TomcatFixture(ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32")
                .maxHeaderSize(maxHeaderSize).maxTlvSize(maxTlvSize).headerTimeout(Duration.ofMinutes(1)).build());
    }

    /**
     * Sends all but the last byte of {@code prefix}: the connection stays open. Then the last byte: the server closes
     * without a response byte, for {@code reason}, though the header it announced is far from complete.
     */
    private void assertRefusedAtTheLastByte(byte[] prefix, Reason reason) throws Exception {
        ProxyProtocolCounters counters = tomcat.protocol.getProxyProtocolCounters();
        try (RawClient c = new RawClient(tomcat.port())) {
            c.write(Arrays.copyOf(prefix, prefix.length - 1));
            assertFalse(c.closedByServerWithin(STILL_OPEN_MILLIS), "closed before byte " + prefix.length);
            c.write(new byte[] {prefix[prefix.length - 1]});
            assertTrue(c.closedByServer(), "closed at byte " + prefix.length + " with no response byte");
        }
        for (int i = 0; i < 500 && counters.rejected(reason) == 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(1, counters.rejected(reason), counters.toString());
        assertEquals(1, counters.getRejected(), counters.toString());
        assertEquals(0, counters.getPending());
    }

    @Test
    void aV2LengthOverMaxHeaderSizeIsRefusedOnceTheSixteenFixedBytesArrive() throws Exception {
        start(1024, 1024);
        byte[] fixed = concat(V2_SIGNATURE, new byte[] {0x21, 0x11, (byte) 0xFF, (byte) 0xFF}); // PROXY TCP4, 65535
        assertRefusedAtTheLastByte(fixed, Reason.HEADER_TOO_LARGE);
    }

    @Test
    void aTlvOverMaxTlvSizeIsRefusedOnceItsThreeByteHeadArrives() throws Exception {
        start(65535, 1024);
        int tlvLength = 2000;
        int length = 12 + 3 + tlvLength;
        byte[] head = concat(V2_SIGNATURE, new byte[] {0x21, 0x11, (byte) (length >> 8), (byte) length},
                new byte[] {(byte) 192, 0, 2, 1, (byte) 192, 0, 2, 10, (byte) 0x9C, 0x40, 0x23, (byte) 0x78},
                new byte[] {(byte) 0xE5, (byte) (tlvLength >> 8), (byte) tlvLength}); // a custom TLV of 2000 bytes
        assertRefusedAtTheLastByte(head, Reason.TLV_TOO_LARGE);
    }

    @Test
    void aV1LineWithoutCrlfIsRefusedAtItsHundredAndSeventhByte() throws Exception {
        start(1024, 1024);
        byte[] line = new byte[107]; // the spec's maximum line, CRLF included
        Arrays.fill(line, (byte) 'x');
        System.arraycopy("PROXY UNKNOWN ".getBytes(StandardCharsets.US_ASCII), 0, line, 0, 14);
        assertRefusedAtTheLastByte(line, Reason.V1_TOO_LONG);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

package io.github.proxyproto4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

class ProxyProtocolCountersTest {

    @Test
    void countsOutcomesReasonsAndPending() {
        ProxyProtocolCounters c = new ProxyProtocolCounters();
        c.onPendingChanged(1);
        c.onPendingChanged(1);
        c.onPendingChanged(-1);
        c.onOutcome(Outcome.ACCEPTED, Reason.NONE);
        c.onOutcome(Outcome.REJECTED, Reason.HEADER_TIMEOUT);
        c.onOutcome(Outcome.REJECTED, Reason.HEADER_TIMEOUT);
        c.onOutcome(Outcome.REJECTED, Reason.UNTRUSTED_PEER);
        c.onOutcome(Outcome.DIRECT, Reason.NONE);
        assertEquals(1, c.getAccepted());
        assertEquals(3, c.getRejected());
        assertEquals(1, c.getDirect());
        assertEquals(0, c.getLocal());
        assertEquals(0, c.getIgnored());
        assertEquals(1, c.getPending());
        assertEquals(Map.of("HEADER_TIMEOUT", 2L, "UNTRUSTED_PEER", 1L), c.getRejectedByReason());
        assertEquals(2, c.rejected(Reason.HEADER_TIMEOUT));
    }

    @Test
    void isAValidMXBean() throws Exception {
        ProxyProtocolCounters c = new ProxyProtocolCounters();
        c.onOutcome(Outcome.REJECTED, Reason.BAD_PORT);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.github.proxyproto4j:type=ProxyProtocolCounters,name=test");
        server.registerMBean(c, name);
        try {
            assertEquals(1L, server.getAttribute(name, "Rejected"));
            TabularData byReason = (TabularData) server.getAttribute(name, "RejectedByReason");
            assertEquals(1, byReason.size());
        } finally {
            server.unregisterMBean(name);
        }
    }
}

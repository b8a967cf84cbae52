package io.github.proxyproto4j.tomcat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void v1IsAppliedAndAStrangerIsRefused() throws Exception {
        try (TomcatFixture t = new TomcatFixture(ProxyProtocolConfig.builder().trustedProxies("127.0.0.1/32").build())) {
            String r;
            try (RawClient c = new RawClient(t.port())) {
                r = c.write("PROXY TCP4 127.0.0.42 192.0.2.10 40000 9080\r\nGET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").readAllText();
            }
            assertTrue(r.contains("remote=127.0.0.42:40000\n"), r);
            assertTrue(r.contains("local=192.0.2.10:9080\n"), r);
            assertTrue(r.contains("attr.proxy.address=127.0.0.1\n"), r);
            try (RawClient c = new RawClient(RawClient.STRANGER_IP, t.port())) {
                assertArrayEquals(new byte[0], c.write("PROXY TCP4 127.0.0.42 192.0.2.10 40000 9080\r\nGET /x HTTP/1.1\r\nHost: t\r\n\r\n").readAll());
            }
            try (RawClient c = new RawClient(t.port())) {
                assertArrayEquals(new byte[0], c.write("GET /x HTTP/1.1\r\nHost: t\r\n\r\n").readAll());
            }
        }
    }
}

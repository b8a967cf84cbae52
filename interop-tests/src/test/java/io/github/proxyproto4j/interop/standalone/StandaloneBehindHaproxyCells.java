package io.github.proxyproto4j.interop.standalone;

import io.github.proxyproto4j.interop.Haproxy;
import static io.github.proxyproto4j.interop.standalone.Standalone.CLIENT_IP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cells every standalone distribution must pass, with samples/echo-war deployed as the root webapp and the
 * PROXY port trusting only 127.0.0.1/32 (where HAProxy connects from); the client binds 127.0.0.42. The
 * {@code Proxy Information} lines also prove that the WAR sees the server's {@code ProxyHeader} class: with a second
 * copy of proxyproto4j-core in WEB-INF/lib the servlet would print {@code -no PROXY header-}.
 */
abstract class StandaloneBehindHaproxyCells {
    /** The PROXY port, once the subclass's {@code @BeforeAll} has started the server. */
    abstract int proxyPort();

    /** The start of {@code ServletContext.getServerInfo()} on this distribution, e.g. {@code jetty/12.1.12}. */
    abstract String serverInfo();

    /**
     * Under {@code CI=true}, a missing HAProxy fails the class before the subclass's {@code @BeforeAll} starts
     * anything. Elsewhere the subclass starts nothing without HAProxy ({@link Standalone#findHaproxy()}), and every
     * cell is skipped by {@link #requireHaproxy()}, naming the package.
     */
    @BeforeAll
    static void failWithoutHaproxyOnCi() {
        if (Standalone.onCi()) {
            Standalone.requireHaproxy();
        }
    }

    @BeforeEach
    void requireHaproxy() {
        Standalone.requireHaproxy();
    }

    private void assertEcho(String response, int version) {
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("\tserver_version=" + serverInfo()), response);
        assertTrue(response.contains("\tclient_address=" + CLIENT_IP + "\n"), response);
        assertTrue(response.contains("\tversion=" + version + "\n"), response);
        assertTrue(response.contains("\tcommand=PROXY\n"), response);
        assertTrue(response.contains("\tsource=" + CLIENT_IP + ":"), response);
        assertTrue(response.contains("\tproxy_address=127.0.0.1\n"), response);
    }

    @Test
    void sendProxyV2() throws Exception {
        try (Haproxy lb = Haproxy.start(proxyPort(), "send-proxy-v2 proxy-v2-options crc32c,unique-id")) {
            String r = Standalone.get(CLIENT_IP, lb.port(), "");
            assertEcho(r, 2);
            assertTrue(r.contains("\tunique_id="), r);
        }
    }

    @Test
    void sendProxyV1() throws Exception {
        try (Haproxy lb = Haproxy.start(proxyPort(), "send-proxy")) {
            assertEcho(Standalone.get(CLIENT_IP, lb.port(), ""), 1);
        }
    }

    @Test
    void aTrustedPeerWithoutAHeaderGetsNoByte() throws Exception {
        assertArrayEquals(new byte[0], Standalone.get("127.0.0.1", proxyPort(), "").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anUntrustedPeerSendingItsOwnHeaderGetsNoByte() throws Exception {
        String spoof = "PROXY TCP4 203.0.113.9 127.0.0.1 1234 " + proxyPort() + "\r\n";
        assertArrayEquals(new byte[0], Standalone.get(CLIENT_IP, proxyPort(), spoof).getBytes(StandardCharsets.UTF_8));
    }
}

package io.github.proxyproto4j.tomcat;

import static io.github.proxyproto4j.tomcat.RawClient.BALANCER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import org.apache.catalina.valves.RemoteIpValve;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RemoteIpValve} behind a PROXY protocol connector. The connector sets the client from the header before
 * any Valve runs, so RemoteIpValve's input, the "remote address" it checks against {@code internalProxies} and
 * {@code trustedProxies}, is the header's client, not the socket peer (the load balancer).
 *
 * <p>The rule for users: <b>X-Forwarded-For is honoured only when the PROXY header's client is itself a proxy you
 * trust</b>, i.e. a hop that writes X-Forwarded-For itself (an ingress behind the balancer). Set RemoteIpValve's
 * {@code internalProxies} (and {@code trustedProxies}) to exactly those hops' addresses, as the header reports
 * them, and never leave them at their defaults: Tomcat's default {@code internalProxies} covers 10/8, 192.168/16,
 * 172.16/12, 169.254/16, 127/8, 100.64/10 and the IPv6 local ranges, so a client in one of those ranges, as seen
 * through the header, could otherwise set its own address with X-Forwarded-For. The balancer's own address (the
 * socket peer) is irrelevant to RemoteIpValve; it belongs in the connector's {@code proxyProtocolTrustedProxies}.
 */
class TomcatRemoteIpValveTest {
    private static final String XFF_CLIENT = "198.51.100.9";
    private static final String INGRESS = "10.0.0.5";
    private static final String DIRECT_CLIENT = "203.0.113.7";

    private TomcatFixture tomcat;

    @AfterEach
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    /** A connector trusting the balancer's PROXY headers, and a RemoteIpValve with explicit proxy lists. */
    private TomcatFixture start(String internalProxies, String trustedProxies) throws Exception {
        tomcat = new TomcatFixture(ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32").build(), true,
                f -> {
                    RemoteIpValve valve = new RemoteIpValve();
                    valve.setInternalProxies(internalProxies);
                    valve.setTrustedProxies(trustedProxies);
                    valve.setRemoteIpHeader("X-Forwarded-For");
                    f.tomcat.getEngine().getPipeline().addValve(valve);
                });
        return tomcat;
    }

    private String request(String proxyClient, String... extraHeaders) throws Exception {
        StringBuilder req = new StringBuilder("PROXY TCP4 " + proxyClient + " 192.0.2.10 40000 9080\r\n"
                + "GET /xff HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
        for (String h : extraHeaders) {
            req.append(h).append("\r\n");
        }
        req.append("\r\n");
        try (RawClient c = new RawClient(tomcat.port())) {
            String r = c.write(req.toString()).readAllText();
            assertTrue(r.startsWith("HTTP/1.1 200"), r);
            return r;
        }
    }

    @Test
    void aProxyClientThatIsNotAnInternalProxyCannotBeOverriddenByXForwardedFor() throws Exception {
        // (a) the header's client 127.0.0.42 is not in internalProxies (only the ingress is): X-Forwarded-For is
        // ignored, although the socket peer 127.0.0.1 would match RemoteIpValve's defaults.
        start("10\\.0\\.0\\.5", "");
        String r = request(RawClient.CLIENT_IP, "X-Forwarded-For: " + XFF_CLIENT);
        assertTrue(r.contains("remote=" + RawClient.CLIENT_IP + ":40000\n"), r);
        assertTrue(r.contains("attr.proxy.address=127.0.0.1\n"), r);
        assertEquals(1, tomcat.protocol.getProxyProtocolCounters().getAccepted());
    }

    @Test
    void anIngressBehindTheBalancerIsTrustedForItsXForwardedFor() throws Exception {
        // (b) balancer -> PROXY -> ingress 10.0.0.5 (the header's client) which added X-Forwarded-For: the valve
        // trusts the ingress, so the request's client becomes the one the ingress saw.
        start("10\\.0\\.0\\.5", "");
        String r = request(INGRESS, "X-Forwarded-For: " + XFF_CLIENT);
        assertTrue(r.contains("remote=" + XFF_CLIENT + ":"), r);
        assertTrue(r.contains("remoteHost=" + XFF_CLIENT + "\n"), r);
        // without X-Forwarded-For, the ingress itself is the client
        String none = request(INGRESS);
        assertTrue(none.contains("remote=" + INGRESS + ":40000\n"), none);
        // a spoofed entry in front of the ingress's: only the right-most untrusted address counts
        String chain = request(INGRESS, "X-Forwarded-For: 192.0.2.66, " + XFF_CLIENT);
        assertTrue(chain.contains("remote=" + XFF_CLIENT + ":"), chain);
    }

    @Test
    void aDirectClientCannotSpoofXForwardedFor() throws Exception {
        // (c) the balancer's header says the client is 203.0.113.7, which the valve does not trust: its own
        // X-Forwarded-For (and a chain claiming to come through the ingress) changes nothing.
        start("10\\.0\\.0\\.5", "");
        String r = request(DIRECT_CLIENT, "X-Forwarded-For: " + XFF_CLIENT);
        assertTrue(r.contains("remote=" + DIRECT_CLIENT + ":40000\n"), r);
        String viaIngress = request(DIRECT_CLIENT, "X-Forwarded-For: " + XFF_CLIENT + ", " + INGRESS);
        assertTrue(viaIngress.contains("remote=" + DIRECT_CLIENT + ":40000\n"), viaIngress);
    }

    @Test
    void trustedProxiesAreCheckedAgainstTheHeadersClientToo() throws Exception {
        // trustedProxies (a hop in the X-Forwarded-For chain) does not make the header's client trusted
        start("10\\.0\\.0\\.5", "203\\.0\\.113\\.7");
        String r = request(RawClient.CLIENT_IP, "X-Forwarded-For: " + XFF_CLIENT + ", 203.0.113.7");
        assertTrue(r.contains("remote=" + RawClient.CLIENT_IP + ":40000\n"), r);
        // through the ingress, 203.0.113.7 is a trusted hop and the client is the one before it
        String chain = request(INGRESS, "X-Forwarded-For: " + XFF_CLIENT + ", 203.0.113.7");
        assertTrue(chain.contains("remote=" + XFF_CLIENT + ":"), chain);
    }

    @Test
    void theDefaultInternalProxiesWouldTrustALoopbackOrPrivateClient() throws Exception {
        // Why the lists must be set explicitly: with RemoteIpValve's default internalProxies (127/8, 10/8, ...),
        // the header's client 127.0.0.42 counts as an internal proxy and its X-Forwarded-For is believed.
        tomcat = new TomcatFixture(ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32").build(), true,
                f -> f.tomcat.getEngine().getPipeline().addValve(new RemoteIpValve()));
        String r = request(RawClient.CLIENT_IP, "X-Forwarded-For: " + XFF_CLIENT);
        assertTrue(r.contains("remote=" + XFF_CLIENT + ":"), "the pitfall this class documents: " + r);
        String publicClient = request(DIRECT_CLIENT, "X-Forwarded-For: " + XFF_CLIENT);
        assertTrue(publicClient.contains("remote=" + DIRECT_CLIENT + ":40000\n"), publicClient);
    }
}

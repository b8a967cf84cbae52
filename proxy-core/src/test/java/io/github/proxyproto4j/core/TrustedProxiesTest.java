package io.github.proxyproto4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxiesTest {

    private static InetSocketAddress peer(String ip) {
        return new InetSocketAddress(ip, 40000);
    }

    @ParameterizedTest(name = "{0} trusts {1}: {2}")
    @CsvSource({
        "10.0.0.0/8, 10.255.1.2, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "10.1.2.3/8, 10.9.9.9, true",
        "192.168.1.7, 192.168.1.7, true",
        "192.168.1.7, 192.168.1.8, false",
        "172.16.0.0/12, 172.31.255.255, true",
        "172.16.0.0/12, 172.32.0.0, false",
        "0.0.0.0/0, 203.0.113.9, true",
        "0.0.0.0/0, 2001:db8::1, false",
        "2001:db8::/32, 2001:db8:ffff::1, true",
        "2001:db8::/32, 2001:db9::1, false",
        "::1, ::1, true",
        "::1, 127.0.0.1, false",
        "::/0, 2001:db8::1, true",
        "10.0.0.0/8, ::ffff:10.1.1.1, true",
        "::ffff:10.0.0.0/104, 10.2.3.4, true",
        "::ffff:10.0.0.0/104, 11.2.3.4, false",
        "127.0.0.0/31, 127.0.0.1, true",
        "127.0.0.0/31, 127.0.0.2, false",
    })
    void matchesBlocks(String rule, String ip, boolean trusted) {
        assertEquals(trusted, TrustedProxies.parse(rule).isTrusted(peer(ip)));
    }

    @Test
    void aMappedIpv6PeerMatchesItsIpv4Rule() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 10;
        mapped[15] = 5;
        // Inet6Address.getByAddress keeps the IPv6 form, as a peer of a dual-stack socket might arrive.
        InetAddress v6 = Inet6Address.getByAddress(null, mapped, -1);
        assertTrue(TrustedProxies.parse("10.0.0.0/8").isTrusted(v6));
        assertFalse(TrustedProxies.parse("11.0.0.0/8").isTrusted(v6));
    }

    @Test
    void listsAndBlanks() {
        TrustedProxies t = TrustedProxies.parse(" 10.0.0.0/8 , ,2001:db8::/32,192.168.1.7 ");
        assertEquals(List.of("10.0.0.0/8", "2001:db8::/32", "192.168.1.7"), t.entries());
        assertEquals("10.0.0.0/8,2001:db8::/32,192.168.1.7", t.toString());
        assertEquals(t, TrustedProxies.parse(t.toString()));
        assertTrue(TrustedProxies.parse("").trustsAll());
        assertTrue(TrustedProxies.parse(null).trustsAll());
        assertTrue(TrustedProxies.parse(" , ").trustsAll());
        assertFalse(t.trustsAll());
    }

    @Test
    void emptyTrustsEveryone() {
        assertTrue(TrustedProxies.all().isTrusted(peer("203.0.113.1")));
        assertTrue(TrustedProxies.all().isTrusted(peer("2001:db8::1")));
    }

    @Test
    void unixPeersAreTrustedAndUnresolvedOnesAreNot() {
        TrustedProxies t = TrustedProxies.parse("10.0.0.0/8");
        assertTrue(t.isTrusted(UnixDomainSocketAddress.of("/run/app.sock")));
        assertFalse(t.isTrusted(InetSocketAddress.createUnresolved("10.0.0.1", 1)));
        assertFalse(t.isTrusted((java.net.SocketAddress) null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "10.0.0", "10.0.0.256", "10.0.0.01", "10.0.0.0/33", "::1/129",
        "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "fe80::1%eth0", "2001:db8:::1", "localhost"})
    void refusesWhatIsNoLiteral(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(entry));
        assertTrue(e.getMessage().contains(entry), e.getMessage());
    }
}

package io.github.proxyproto4j.interop.slowloris;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Who is trusted and who attacks. The attackers sit inside the trusted range (127.0.0.128/25, next to HAProxy's
 * 127.0.0.1): the worst case, the same as a trust-all configuration, since a trusted peer holds a pending slot for
 * the whole header timeout. The real client, 127.0.0.42, is outside it and reaches the port only through HAProxy.
 */
final class Attackers {
    /** HAProxy's source and the attackers' range. */
    static final String TRUSTED = "127.0.0.1/32,127.0.0.128/25";

    private Attackers() {
    }

    /** @return 100 source addresses, 127.0.0.128 to 127.0.0.227, all trusted */
    static List<InetAddress> sources() {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                out.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (128 + i)}));
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * @param headerTimeout the header timeout
     * @param maxPending the max-pending cap
     * @return the PROXY port's settings: required mode, the trust list above, the rest defaults
     */
    static ProxyProtocolConfig config(Duration headerTimeout, int maxPending) {
        return ProxyProtocolConfig.builder()
                .trustedProxies(TRUSTED)
                .headerTimeout(headerTimeout)
                .maxPending(maxPending)
                .build();
    }
}

package io.github.proxyproto4j.interop.hardening;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the echo samples answer: the status and the {@code client_address} line ({@code getRemoteAddr()}). */
final class Served {
    private static final Pattern CLIENT = Pattern.compile("\\tclient_address=([^\\n]*)\\n");

    private Served() {
    }

    /** @return the status code of an HTTP/1.x response, or -1 for none */
    static int status(RawExchange.Result r) {
        String t = r.text();
        if (!t.startsWith("HTTP/1.")) {
            return -1;
        }
        int sp = t.indexOf(' ');
        return Integer.parseInt(t.substring(sp + 1, sp + 4));
    }

    /** @return the echo's client_address, or null if the response has none */
    static String clientAddress(RawExchange.Result r) {
        Matcher m = CLIENT.matcher(r.text());
        return m.find() ? m.group(1) : null;
    }

    /** A valid v1 or v2 header claiming {@code ip:port} as the client, to 198.51.100.1:443. */
    static byte[] header(int version, String ip, int port) {
        try {
            ProxyHeader h = ProxyHeader.builder().version(version)
                    .addresses(new InetSocketAddress(InetAddress.getByName(ip), port),
                            new InetSocketAddress(InetAddress.getByName(ip.indexOf(':') >= 0 ? "2001:db8::443"
                                    : "198.51.100.1"), 443))
                    .build();
            return ProxyHeaderEncoder.encode(h);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }
}

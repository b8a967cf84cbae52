package io.github.proxyproto4j.testsupport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reply of the adapter tests' digest handler (Jetty) or servlet (Tomcat): {@code remote=}, {@code local=}, {@code path=}, {@code length=} and
 * {@code sha256=} lines, in that order, so that a body's integrity is checked by its hash.
 */
public final class Digest {
    private Digest() {
    }

    public static String lines(String remote, String local, String path, byte[] body) {
        return "remote=" + remote + "\nlocal=" + local + "\npath=" + path + "\nlength=" + body.length + "\nsha256="
                + sha256(body) + "\n";
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the {@code key=value} lines of a reply body, in order */
    public static Map<String, String> parse(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    /**
     * An echoed {@code address:port} as a socket address: Jetty writes IPv6 in brackets, Tomcat without; both are IP
     * literals, so no name is ever looked up.
     */
    public static InetSocketAddress address(String echoed) throws UnknownHostException {
        int colon = echoed.lastIndexOf(':');
        String host = echoed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || !(Character.digit(host.charAt(0), 16) >= 0 || host.charAt(0) == ':')) {
            throw new UnknownHostException("not an IP literal: " + echoed);
        }
        return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(echoed.substring(colon + 1)));
    }
}

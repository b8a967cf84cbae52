package io.github.proxyproto4j.core;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * The guard for forwarded headers on PROXY connections. A PROXY load balancer tells the client's address in
 * the header; an {@code X-Forwarded-For} the client wrote itself must not override it. So forwarded headers
 * are honoured only when the PROXY-derived client is itself a trusted forwarder (an ingress that adds them).
 */
public final class ForwardedHeaders {
    /** The request headers that carry forwarding facts (lower case). */
    public static final List<String> NAMES = List.of("forwarded", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix", "x-forwarded-server", "x-forwarded-by",
            "x-forwarded-ssl", "x-real-ip");

    private ForwardedHeaders() {
    }

    /**
     * @param name a request header name
     * @return whether it carries forwarding facts
     */
    public static boolean isForwardingHeader(String name) {
        return NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether a request of this connection may keep its forwarded headers.
     *
     * @param handshake the connection's finished handshake
     * @param socketRemote the socket's remote address
     * @param forwarders the PROXY clients trusted to add forwarded headers, or null for none
     * @return true only when the client the request sees is in {@code forwarders}
     */
    public static boolean honoured(ConnectionHandshake handshake, SocketAddress socketRemote, TrustedProxies forwarders) {
        return honoured(handshake.remoteAddress(socketRemote), forwarders);
    }

    /**
     * Whether a request from this client may keep its forwarded headers, e.g. a mixed-mode direct connection's,
     * whose client is the socket's peer.
     *
     * @param client the client the request sees
     * @param forwarders the PROXY clients trusted to add forwarded headers, or null for none
     * @return true only when {@code client} is in {@code forwarders}
     */
    public static boolean honoured(SocketAddress client, TrustedProxies forwarders) {
        if (forwarders == null || forwarders.trustsAll()) {
            return false; // an empty list would trust every client: for forwarded headers it means none
        }
        return client instanceof InetSocketAddress isa && isa.getAddress() != null
                && forwarders.isTrusted(isa.getAddress());
    }
}

package io.github.proxyproto4j.core;

import java.util.Map;

/** The JMX view of {@link ProxyProtocolCounters}, as Jetty's and Tomcat's JMX expose it. */
public interface ProxyProtocolCountersMXBean {
    /** @return connections whose header was applied */
    long getAccepted();

    /** @return connections with a LOCAL (or otherwise address-less) header from a trusted peer */
    long getLocal();

    /** @return untrusted connections whose header was consumed but not applied */
    long getIgnored();

    /** @return untrusted connections passed through without a header (mixed mode) */
    long getDirect();

    /** @return connections closed without a response */
    long getRejected();

    /** @return connections waiting for their header now */
    long getPending();

    /** @return rejections by {@link Reason} name, only reasons seen so far */
    Map<String, Long> getRejectedByReason();
}

package io.github.proxyproto4j.interop.slowloris;

import io.github.proxyproto4j.core.ProxyProtocolCounters;
import java.lang.management.ThreadInfo;

/**
 * One adapter started in this JVM straight from its API, with a PROXY port and a plain HTTP port on 127.0.0.1 that
 * both answer {@code client_address=<remote address>}.
 */
interface ServerUnderTest extends AutoCloseable {
    /** @return the adapter's name, for reports */
    String name();

    /** @return the PROXY protocol port */
    int proxyPort();

    /** @return the plain HTTP port (no PROXY header), the baseline for heap per connection */
    int plainPort();

    /** @return the PROXY port's counters */
    ProxyProtocolCounters counters();

    /** @return the exact peak of connections waiting for a header, from a listener on the PROXY port */
    PeakPending peakPending();

    /** @return the connections the plain port holds open now */
    long plainConnections();

    /**
     * @param thread a live thread's name and stack
     * @return whether it is one of the threads that must never read or decode (Tomcat's acceptor and poller of the
     *         PROXY connector), or, report only, a Jetty selector or acceptor
     */
    boolean watched(ThreadInfo thread);

    /** @return whether {@link #watched} violations fail the run (Tomcat), or are only reported (Jetty) */
    boolean watchedIsStrict();

    @Override
    void close() throws Exception;
}

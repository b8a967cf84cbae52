package io.github.proxyproto4j.interop.matrix;

/** A running sender in front of one receiver: HAProxy, nginx, or the byte relay the curl cells go through. */
interface SenderProcess extends AutoCloseable {
    /** @return where clients connect: 127.0.0.1 (and [::1] where the sender listens there too) */
    int port();

    @Override
    void close();
}

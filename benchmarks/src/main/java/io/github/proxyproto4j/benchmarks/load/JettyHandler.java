package io.github.proxyproto4j.benchmarks.load;

import org.eclipse.jetty.util.thread.Invocable.InvocationType;

/**
 * How the Jetty load server's handler declares itself. It decides the threading of a plain connection: Jetty runs
 * a non-blocking handler on the selector thread that saw the request, and hands a blocking one (every servlet
 * application, Spring MVC included) to a pool thread. A PROXY connection factory sits in front of that decision.
 */
enum JettyHandler {
    /** As a servlet container: each request is handed to a pool thread. The default. */
    BLOCKING("blocking", InvocationType.BLOCKING),
    /** Jetty's fast path for handlers that never block: plain connections may be served on the selector thread. */
    NON_BLOCKING("non-blocking", InvocationType.NON_BLOCKING);

    private final String id;
    private final InvocationType invocationType;

    JettyHandler(String id, InvocationType invocationType) {
        this.id = id;
        this.invocationType = invocationType;
    }

    /** @return the name on the command line and in the results */
    String id() {
        return id;
    }

    InvocationType invocationType() {
        return invocationType;
    }

    static JettyHandler of(String id) {
        for (JettyHandler h : values()) {
            if (h.id.equals(id)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown Jetty handler kind: " + id + " (blocking or non-blocking)");
    }
}

package io.github.proxyproto4j.interop.hardening;

import io.github.proxyproto4j.core.Reason;

/**
 * One malformed connection: the bytes a client sends, the rule of the PROXY protocol notes they break, and the
 * {@link Reason} a receiver must reject it with.
 *
 * @param name what is wrong, unique in the table
 * @param rule the rule broken, in the words of the design notes
 * @param reason the reason the receiver must count
 * @param bytes everything the client sends
 * @param halfClose whether the client then closes its side (the header never completes: {@link Reason#NO_HEADER})
 */
record MalformedCase(String name, String rule, Reason reason, byte[] bytes, boolean halfClose) {

    /** A bad header followed by an HTTP request, as a client behind a broken proxy would send. */
    static MalformedCase header(String name, String rule, Reason reason, byte[] header) {
        return new MalformedCase(name, rule, reason, Wire.concat(header, Wire.REQUEST), false);
    }

    /** Bytes sent as they are: traffic that is no PROXY header at all. */
    static MalformedCase raw(String name, String rule, Reason reason, byte[] bytes) {
        return new MalformedCase(name, rule, reason, bytes, false);
    }

    /** The start of a header, then the client's FIN. */
    static MalformedCase truncated(String name, String rule, byte[] bytes) {
        return new MalformedCase(name, rule, Reason.NO_HEADER, bytes, true);
    }

    @Override
    public String toString() {
        return name + " -> " + reason;
    }
}

package io.github.proxyproto4j.interop.hardening;

import io.github.proxyproto4j.interop.matrix.Receiver;
import java.util.List;

/**
 * One start of a receiver for the spoofing suite: its flags and the phases sent to it, in order.
 *
 * @param name what is configured, e.g. {@code reject} or {@code dual-stack, trusted ::ffff:127.0.0.1/128, ignore}
 * @param receiver the sample
 * @param flags flags replacing the receiver's defaults (which trust 127.0.0.1/32 on 127.0.0.1)
 * @param dualStack whether the receiver listens on {@code ::} (checked in /proc/net/tcp6)
 * @param phases the batches of connections
 */
record SpoofSetup(String name, Receiver receiver, List<String> flags, boolean dualStack, List<SpoofPhase> phases) {
    @Override
    public String toString() {
        return receiver.name() + ": " + name;
    }
}

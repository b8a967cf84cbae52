package io.github.proxyproto4j.interop.hardening;

import io.github.proxyproto4j.core.Outcome;
import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.core.Reason;
import io.github.proxyproto4j.interop.matrix.Receiver;
import io.github.proxyproto4j.jetty.ProxyProtocolConnectionFactory;
import io.github.proxyproto4j.samples.jetty.EmbeddedJetty;
import io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a running receiver tells about its connections: its outcome counters, through the channel its users
 * read them by (a listener added to the adapter for the embedded samples, Micrometer for Boot, Actuator over HTTP
 * for the Boot process), and its log output since the probe was attached.
 */
abstract class ReceiverProbe implements AutoCloseable {

    /** @return the counters now */
    abstract Counts counts() throws Exception;

    /** @return the receiver's log output since attach (the whole log for a process of its own) */
    abstract String log() throws IOException;

    /** @return where {@link #counts()} come from, for messages */
    abstract String source();

    /**
     * @return the adapter's built-in counters (what its MXBean shows), for the embedded samples, where
     *         {@link #counts()} is a listener added at attach; null where the counts are the built-in ones
     */
    Counts builtIn() {
        return null;
    }

    @Override
    public void close() {
    }

    /** Attaches to a receiver started by {@link Receiver#start}. */
    static ReceiverProbe attach(Receiver.App app) {
        Object server = app.server();
        if (server == null) {
            return new ActuatorProbe(app.plainPort(), app.log());
        }
        if (server instanceof Server jetty) {
            ProxyProtocolConnectionFactory f = ((ServerConnector) jetty.getConnectors()[indexOf(jetty,
                    EmbeddedJetty.PROXIED)]).getConnectionFactory(ProxyProtocolConnectionFactory.class);
            ProxyProtocolCounters heard = new ProxyProtocolCounters();
            f.addListener(heard);
            return new InProcess("a listener added to the Jetty ProxyProtocolConnectionFactory",
                    () -> of(heard), () -> of(f.getCounters()), InProcessLog.attach());
        }
        if (server instanceof Tomcat tomcat) {
            for (Connector c : tomcat.getService().findConnectors()) {
                if (c.getProtocolHandler() instanceof ProxyProtocolHttp11NioProtocol p) {
                    ProxyProtocolCounters heard = new ProxyProtocolCounters();
                    p.addProxyProtocolListener(heard);
                    return new InProcess("a listener added to ProxyProtocolHttp11NioProtocol", () -> of(heard),
                            () -> of(p.getProxyProtocolCounters()), InProcessLog.attach());
                }
            }
            throw new IllegalStateException("no PROXY connector in " + tomcat);
        }
        if (server instanceof ConfigurableApplicationContext boot) {
            MeterRegistry registry = boot.getBean(MeterRegistry.class);
            return new InProcess("Micrometer " + registry.getClass().getSimpleName(), () -> of(registry), null,
                    InProcessLog.attach());
        }
        throw new IllegalArgumentException("unknown receiver " + server);
    }

    private static int indexOf(Server jetty, String name) {
        for (int i = 0; i < jetty.getConnectors().length; i++) {
            if (name.equals(jetty.getConnectors()[i].getName())) {
                return i;
            }
        }
        throw new IllegalStateException("no connector " + name);
    }

    static Counts of(ProxyProtocolCounters c) {
        Map<Outcome, Long> o = new EnumMap<>(Outcome.class);
        for (Outcome x : Outcome.values()) {
            o.put(x, c.count(x));
        }
        Map<Reason, Long> r = new EnumMap<>(Reason.class);
        for (Reason x : Reason.values()) {
            r.put(x, c.rejected(x));
        }
        return new Counts(o, r);
    }

    /** The starter's meter, {@code proxy.protocol.connections}, tagged outcome and reason in lower case. */
    static Counts of(MeterRegistry registry) {
        Map<Outcome, Long> o = new EnumMap<>(Outcome.class);
        Map<Reason, Long> r = new EnumMap<>(Reason.class);
        for (Counter c : registry.find("proxy.protocol.connections").counters()) {
            Outcome outcome = Outcome.valueOf(c.getId().getTag("outcome").toUpperCase(Locale.ROOT));
            Reason reason = Reason.valueOf(c.getId().getTag("reason").toUpperCase(Locale.ROOT));
            long n = (long) c.count();
            o.merge(outcome, n, Long::sum);
            if (outcome == Outcome.REJECTED) {
                r.merge(reason, n, Long::sum);
            }
        }
        return new Counts(o, r);
    }

    /** A receiver in this JVM. */
    private static final class InProcess extends ReceiverProbe {
        private final String source;
        private final Supplier<Counts> counts;
        private final Supplier<Counts> builtIn;
        private final InProcessLog log;

        InProcess(String source, Supplier<Counts> counts, Supplier<Counts> builtIn, InProcessLog log) {
            this.source = source;
            this.counts = counts;
            this.builtIn = builtIn;
            this.log = log;
        }

        @Override
        Counts builtIn() {
            return builtIn == null ? null : builtIn.get();
        }

        @Override
        Counts counts() {
            return counts.get();
        }

        @Override
        String log() {
            return log.text();
        }

        @Override
        String source() {
            return source;
        }

        @Override
        public void close() {
            log.close();
        }
    }

    /** The Boot sample in its own process: Actuator's metrics endpoint on its plain port, and its log file. */
    private static final class ActuatorProbe extends ReceiverProbe {
        private final ActuatorMetrics metrics;
        private final java.nio.file.Path logFile;

        ActuatorProbe(int plainPort, java.nio.file.Path logFile) {
            this.metrics = new ActuatorMetrics(plainPort);
            this.logFile = logFile;
        }

        @Override
        Counts counts() throws IOException, InterruptedException {
            return metrics.counts();
        }

        @Override
        String log() throws IOException {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        }

        @Override
        String source() {
            return "Actuator /actuator/metrics/proxy.protocol.connections";
        }
    }
}

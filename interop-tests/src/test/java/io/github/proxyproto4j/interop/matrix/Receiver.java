package io.github.proxyproto4j.interop.matrix;

import io.github.proxyproto4j.interop.matrix.Transport.AppPort;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * An application with a PROXY protocol port that the matrix sends to: one of the samples. {@link Receivers#ALL}
 * lists them; a new one is a new constant there, and every sender's cells whose transport it can take run against
 * it.
 */
public abstract class Receiver {
    private final String name;
    private final String serverVersion;
    private final Set<AppPort> ports;
    private final Set<Transport> refuses;

    /**
     * @param name as in the matrix
     * @param serverVersion the start of the echo's {@code server_version}: which server answered
     * @param ports what its PROXY port can speak
     * @param refuses transports its port would take by {@code ports} but that the server refuses (each one pinned
     *        in {@link KnownLimitationsTest} and listed in docs/interop.md), none for most
     */
    Receiver(String name, String serverVersion, Set<AppPort> ports, Set<Transport> refuses) {
        this.name = name;
        this.serverVersion = serverVersion;
        this.ports = EnumSet.copyOf(ports);
        this.refuses = refuses.isEmpty() ? EnumSet.noneOf(Transport.class) : EnumSet.copyOf(refuses);
    }

    /** @return the receiver's name, as in the matrix */
    public String name() {
        return name;
    }

    String serverVersion() {
        return serverVersion;
    }

    boolean accepts(Transport transport) {
        return ports.contains(transport.appPort()) && !refuses.contains(transport);
    }

    /**
     * Starts the application on 127.0.0.1, trusting only 127.0.0.1/32, with any free ports.
     *
     * @param tls whether its PROXY port terminates TLS (after the header), with this key store
     * @param keyStore a PKCS12 key store, password changeit, or null when {@code tls} is false
     * @return the running application
     * @throws Exception if it does not start
     */
    public App start(boolean tls, Path keyStore) throws Exception {
        return start(tls, keyStore, List.of());
    }

    /**
     * Starts the application as {@link #start(boolean, Path)} does, with some flags replaced or added.
     *
     * @param tls whether its PROXY port terminates TLS (after the header), with this key store
     * @param keyStore a PKCS12 key store, password changeit, or null when {@code tls} is false
     * @param overrides {@code --name=value} flags (the samples' flags, Spring Boot properties for the Boot samples)
     *        that replace the defaults of the same name (e.g. {@code --proxy-protocol.trusted-proxies=127.0.0.42},
     *        {@code --server.address=::}) or come in addition
     * @return the running application
     * @throws Exception if it does not start
     */
    public abstract App start(boolean tls, Path keyStore, List<String> overrides) throws Exception;

    @Override
    public String toString() {
        return name;
    }

    /** A started receiver. */
    public interface App extends AutoCloseable {
        /** @return the port that requires the PROXY header */
        int proxyPort();

        /** @return the plain HTTP port (the Boot samples' Actuator is there), or -1 if it has none */
        default int plainPort() {
            return -1;
        }

        /**
         * @return the running server in this JVM: Jetty's {@code Server}, Tomcat's {@code Tomcat} or the Boot
         *         {@code ConfigurableApplicationContext}; null for a receiver in a process of its own
         */
        default Object server() {
            return null;
        }

        /** @return the file the receiver's process writes its output to, or null for one in this JVM */
        default Path log() {
            return null;
        }

        @Override
        void close() throws Exception;
    }
}

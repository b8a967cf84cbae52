package io.github.proxyproto4j.interop.matrix;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.proxyproto4j.interop.matrix.Transport.AppPort;
import io.github.proxyproto4j.samples.boot.EchoApplication;
import io.github.proxyproto4j.samples.jetty.EmbeddedJetty;
import io.github.proxyproto4j.samples.tomcat.EmbeddedTomcat;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.apache.catalina.startup.Tomcat;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The receivers of the matrix: the samples, each started as its users start it, on 127.0.0.1. Public for the
 * hardening tests (io.github.proxyproto4j.interop.hardening), which start them with other flags.
 */
public final class Receivers {
    private Receivers() {
    }

    /** The flags every sample gets: loopback only, any free port, trust only where the senders connect from. */
    private static final List<String> FLAGS = List.of("--server.address=127.0.0.1", "--server.port=0",
            "--proxy-protocol.port=0", "--proxy-protocol.trusted-proxies=127.0.0.1/32");

    /** Every transport a PROXY port can speak: HTTP/1.1 and h2c, or (another instance) TLS with h2 or HTTP/1.1. */
    private static final Set<AppPort> ALL_PORTS = Set.of(AppPort.PLAIN_HTTP1, AppPort.PLAIN_H2C, AppPort.TLS_HTTP1,
            AppPort.TLS_H2);

    /**
     * {@code base}, where a flag of {@code overrides} with the same name replaces it, then the rest of
     * {@code overrides}: the Boot samples would read a flag given twice as a list ({@code a,b}).
     */
    static List<String> override(List<String> base, List<String> overrides) {
        List<String> out = new ArrayList<>();
        for (String flag : base) {
            if (overrides.stream().noneMatch(o -> name(o).equals(name(flag)))) {
                out.add(flag);
            }
        }
        out.addAll(overrides);
        return out;
    }

    private static String name(String flag) {
        int eq = flag.indexOf('=');
        return eq < 0 ? flag : flag.substring(0, eq);
    }

    /** The embedded samples' TLS flags ({@code --server.ssl.*}, Spring Boot's names), or none. */
    private static List<String> embeddedFlags(boolean tls, Path keyStore) {
        List<String> flags = new ArrayList<>(FLAGS);
        if (tls) {
            flags.add("--server.ssl.key-store=" + keyStore);
            flags.add("--server.ssl.key-store-password=changeit");
        }
        return flags;
    }

    /**
     * The Boot samples' properties for h2 (h2c, or h2 by ALPN with TLS) and TLS on the starter's extra PROXY port,
     * from an SSL bundle: as samples/README.md tells users to run them.
     */
    private static List<String> bootFlags(boolean tls, Path keyStore) {
        List<String> flags = new ArrayList<>(List.of("--server.http2.enabled=true"));
        if (tls) {
            flags.addAll(List.of("--proxy-protocol.ssl.bundle=app",
                    "--spring.ssl.bundle.jks.app.keystore.location=file:" + keyStore,
                    "--spring.ssl.bundle.jks.app.keystore.password=changeit",
                    "--spring.ssl.bundle.jks.app.keystore.type=PKCS12"));
        }
        return flags;
    }

    /**
     * samples/embedded-jetty: {@code [proxy, http/1.1, h2c]} on its PROXY port, or with a key store
     * {@code [proxy, ssl, alpn, h2, http/1.1]}.
     */
    public static final Receiver EMBEDDED_JETTY = new Receiver("embedded-jetty", "jetty/", ALL_PORTS, Set.of()) {
        @Override
        public App start(boolean tls, Path keyStore, List<String> overrides) throws Exception {
            Server jetty = EmbeddedJetty.start(override(embeddedFlags(tls, keyStore), overrides)
                    .toArray(String[]::new));
            return app(EmbeddedJetty.proxyPort(jetty), EmbeddedJetty.plainPort(jetty), jetty, jetty::stop);
        }
    };

    /**
     * What Tomcat refuses: h2 from a sender that terminated TLS, as h2c behind the header (its {@code :scheme} is
     * https on a connector without TLS: {@link KnownLimitationsTest}).
     */
    private static final Set<Transport> TOMCAT_REFUSES = Set.of(Transport.TLS_BY_SENDER_H2);

    /** samples/embedded-tomcat: HTTP/1.1 and h2c on its PROXY port, or TLS (h2 or HTTP/1.1 by ALPN) with a key store. */
    public static final Receiver EMBEDDED_TOMCAT = new Receiver("embedded-tomcat", "Apache Tomcat/", ALL_PORTS,
            TOMCAT_REFUSES) {
        @Override
        public App start(boolean tls, Path keyStore, List<String> overrides) throws Exception {
            Tomcat tomcat = EmbeddedTomcat.start(override(embeddedFlags(tls, keyStore), overrides)
                    .toArray(String[]::new));
            return app(EmbeddedTomcat.proxyPort(tomcat), EmbeddedTomcat.plainPort(tomcat), tomcat,
                    () -> EmbeddedTomcat.stop(tomcat));
        }
    };

    /**
     * samples/echo-spring-boot (Boot on Tomcat, the starter's extra PROXY port), in this JVM, with
     * {@code server.http2.enabled=true}: HTTP/1.1 and h2c, or with {@code proxy-protocol.ssl.bundle} TLS (h2 or
     * HTTP/1.1 by ALPN).
     */
    public static final Receiver SPRING_BOOT_TOMCAT = new Receiver("echo-spring-boot (Tomcat)", "Apache Tomcat/",
            ALL_PORTS, TOMCAT_REFUSES) {
        @Override
        public App start(boolean tls, Path keyStore, List<String> overrides) {
            List<String> flags = new ArrayList<>(FLAGS);
            flags.addAll(bootFlags(tls, keyStore));
            ConfigurableApplicationContext app = SpringApplication.run(EchoApplication.class,
                    override(flags, overrides).toArray(String[]::new));
            Integer port = app.getEnvironment().getProperty("local.proxy-protocol.port", Integer.class);
            assertNotNull(port, "local.proxy-protocol.port");
            Integer plain = app.getEnvironment().getProperty("local.server.port", Integer.class);
            return app(port, plain == null ? -1 : plain, app, app::close);
        }
    };

    /**
     * samples/echo-spring-boot-jetty (Boot on Jetty) as its own process, {@code java -jar}: Boot picks its server
     * from the classpath, and this JVM has Boot's Tomcat. The same properties as echo-spring-boot.
     */
    public static final Receiver SPRING_BOOT_JETTY = new Receiver("echo-spring-boot-jetty (Jetty)", "jetty/",
            ALL_PORTS, Set.of()) {
        @Override
        public App start(boolean tls, Path keyStore, List<String> overrides) throws Exception {
            return BootJar.start(bootFlags(tls, keyStore), overrides);
        }
    };

    /** Every receiver; the matrix runs each cell against each one whose PROXY port takes its transport. */
    public static final List<Receiver> ALL = List.of(EMBEDDED_JETTY, EMBEDDED_TOMCAT, SPRING_BOOT_TOMCAT, SPRING_BOOT_JETTY);

    private interface Stop {
        void stop() throws Exception;
    }

    private static Receiver.App app(int port, int plainPort, Object server, Stop stop) {
        return new Receiver.App() {
            @Override
            public int proxyPort() {
                return port;
            }

            @Override
            public int plainPort() {
                return plainPort;
            }

            @Override
            public Object server() {
                return server;
            }

            @Override
            public void close() throws Exception {
                stop.stop();
            }
        };
    }

    /** echo-spring-boot-jetty.jar in its own JVM, with ports picked here (it cannot report the ones it bound). */
    private static final class BootJar implements Receiver.App {
        private static final Duration STARTUP = Duration.ofSeconds(90);
        private final Process process;
        private final Path log;
        private final int proxyPort;
        private final int plainPort;

        private BootJar(Process process, Path log, int proxyPort, int plainPort) {
            this.process = process;
            this.log = log;
            this.proxyPort = proxyPort;
            this.plainPort = plainPort;
        }

        static BootJar start(List<String> properties, List<String> overrides)
                throws IOException, InterruptedException {
            Path jar = Path.of(System.getProperty("echo.spring.boot.jetty.jar",
                    "../samples/echo-spring-boot-jetty/target/echo-spring-boot-jetty.jar")).toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                fail(jar + " does not exist: build it first (./mvnw verify from the root builds it before "
                        + "interop-tests, or ./mvnw -pl samples/echo-spring-boot-jetty -am package)");
            }
            int plainPort = freePort();
            int proxyPort;
            do {
                proxyPort = freePort();
            } while (proxyPort == plainPort);
            Path log = Files.createTempFile("matrix-echo-spring-boot-jetty", ".log");
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            // C1 only and the serial collector: the app starts in half the time (twice per run of the matrix), and
            // serves a few requests; nothing about the app changes.
            List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-jar", jar.toString()));
            List<String> flags = new ArrayList<>(List.of("--server.address=127.0.0.1", "--server.port=" + plainPort,
                    "--proxy-protocol.port=" + proxyPort, "--proxy-protocol.trusted-proxies=127.0.0.1/32"));
            flags.addAll(properties);
            command.addAll(override(flags, overrides));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            BootJar app = new BootJar(p, log, proxyPort, plainPort);
            try {
                app.awaitStarted(plainPort);
            } catch (IOException | InterruptedException | AssertionError e) {
                app.close();
                throw e;
            }
            return app;
        }

        private void awaitStarted(int plainPort) throws IOException, InterruptedException {
            long end = System.nanoTime() + STARTUP.toNanos();
            while (System.nanoTime() < end) {
                String text = Files.readString(log, StandardCharsets.UTF_8);
                if (!process.isAlive()) {
                    fail("echo-spring-boot-jetty exited with " + process.exitValue() + ":\n" + text);
                }
                if (text.contains("Started EchoJettyApplication")) {
                    // Only the plain port: a bare connection to the PROXY port would count as a refused one.
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", plainPort), 1000);
                    }
                    return;
                }
                Thread.sleep(100);
            }
            fail("echo-spring-boot-jetty did not start within " + STARTUP + ":\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }

        @Override
        public int proxyPort() {
            return proxyPort;
        }

        @Override
        public int plainPort() {
            return plainPort;
        }

        @Override
        public Path log() {
            return log;
        }

        @Override
        public void close() throws IOException, InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        }
    }

    /** @return a port free on 127.0.0.1 now */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}

package io.github.proxyproto4j.interop.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * samples/echo-spring-boot-jetty as its own process ({@code java -jar}, as SpringBootJettyBehindHaproxyTest runs it:
 * Boot picks its server from the classpath, and this JVM has Boot's Tomcat), with {@code MY_POD_NAME} set as a
 * Kubernetes Deployment sets it: its echo then names the pod, which tells its answers from embedded-jetty's (both say
 * {@code server_version=jetty/12.1...}).
 */
final class BootJettyInstance implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final Process process;
    private final Path log;
    private final int plainPort;
    private final int proxyPort;

    private BootJettyInstance(Process process, Path log, int plainPort, int proxyPort) {
        this.process = process;
        this.log = log;
        this.plainPort = plainPort;
        this.proxyPort = proxyPort;
    }

    /** Starts the process; {@link #awaitStarted} waits for it, so the in-process servers can start meanwhile. */
    static BootJettyInstance launch(String podName) throws IOException {
        Path jar = Path.of(System.getProperty("echo.spring.boot.jetty.jar",
                "../samples/echo-spring-boot-jetty/target/echo-spring-boot-jetty.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            fail(jar + " does not exist: build it first (./mvnw verify from the root builds it before interop-tests, "
                    + "or ./mvnw -pl samples/echo-spring-boot-jetty -am package)");
        }
        int plainPort = ClusterHaproxy.freePort();
        int proxyPort;
        do {
            proxyPort = ClusterHaproxy.freePort();
        } while (proxyPort == plainPort);
        Path log = Files.createTempFile("cluster-echo-spring-boot-jetty", ".log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "-jar", jar.toString(),
                "--server.address=127.0.0.1", "--server.port=" + plainPort, "--proxy-protocol.port=" + proxyPort,
                "--proxy-protocol.trusted-proxies=127.0.0.1/32"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("MY_POD_NAME", podName);
        return new BootJettyInstance(pb.start(), log, plainPort, proxyPort);
    }

    /** Boot logs "Started EchoJettyApplication" once every connector listens; then the plain port must accept. */
    void awaitStarted() throws IOException, InterruptedException {
        long end = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < end) {
            String text = log();
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
        fail("echo-spring-boot-jetty did not start within " + STARTUP + ":\n" + log());
    }

    int proxyPort() {
        return proxyPort;
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }
}

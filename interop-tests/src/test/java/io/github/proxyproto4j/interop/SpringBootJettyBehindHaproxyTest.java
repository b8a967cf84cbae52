package io.github.proxyproto4j.interop;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * samples/echo-spring-boot-jetty (Spring Boot on Jetty, PROXY through the starter) behind a real HAProxy 2.6. Boot
 * picks its server from the classpath and this JVM has the Tomcat one, so the Jetty app runs as its own process,
 * exactly as a user runs it: {@code java -jar echo-spring-boot-jetty.jar --server.port=... --proxy-protocol.port=...}.
 * It cannot tell us the ports it bound, so the test picks free ones and passes them.
 */
class SpringBootJettyBehindHaproxyTest extends SpringBootSampleBehindHaproxyCells {
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private static Process app;
    private static Path log;
    private static int proxyPort;
    private static int plainPort;

    @BeforeAll
    static void startSample() throws Exception {
        String jarProperty = System.getProperty("echo.spring.boot.jetty.jar",
                "../samples/echo-spring-boot-jetty/target/echo-spring-boot-jetty.jar");
        Path jar = Path.of(jarProperty).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            fail(jar + " does not exist: build it first (./mvnw verify from the root builds it before interop-tests, "
                    + "or ./mvnw -pl samples/echo-spring-boot-jetty -am package)");
        }
        plainPort = Haproxy.freePort();
        do {
            proxyPort = Haproxy.freePort();
        } while (proxyPort == plainPort);
        log = Files.createTempFile("echo-spring-boot-jetty", ".log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        app = new ProcessBuilder(List.of(java.toString(), "-jar", jar.toString(),
                "--server.address=127.0.0.1", "--server.port=" + plainPort, "--proxy-protocol.port=" + proxyPort,
                "--proxy-protocol.trusted-proxies=127.0.0.1/32"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        awaitStarted();
    }

    /** Boot logs "Started EchoJettyApplication" once every connector listens; then both ports must accept. */
    private static void awaitStarted() throws IOException, InterruptedException {
        long end = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < end) {
            if (!app.isAlive()) {
                fail("echo-spring-boot-jetty exited with " + app.exitValue() + ":\n" + log());
            }
            if (log().contains("Started EchoJettyApplication")) {
                // A bare connect to the plain port only: on the PROXY port it would count as a rejected connection.
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", plainPort), 1000);
                }
                return;
            }
            Thread.sleep(100);
        }
        fail("echo-spring-boot-jetty did not start within " + STARTUP + ":\n" + log());
    }

    private static String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stopSample() throws Exception {
        if (app != null) {
            app.destroy();
            if (!app.waitFor(20, TimeUnit.SECONDS)) {
                app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (log != null) {
            Files.deleteIfExists(log);
        }
    }

    @Override
    int proxyPort() {
        return proxyPort;
    }

    @Override
    int plainPort() {
        return plainPort;
    }

    @Override
    String serverVersion() {
        return "jetty/";
    }
}

package io.github.proxyproto4j.interop.standalone;

import io.github.proxyproto4j.interop.ExternalTool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.JarURLConnection;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * What the standalone-distribution tests share: where the build put things (system properties set by the pom, with
 * defaults for a run from an IDE in interop-tests/), the proxyproto4j jars a user copies, HAProxy, raw HTTP from a
 * chosen loopback address, and starting and stopping a server process.
 */
final class Standalone {
    /** The real client. Nothing binds it, so seeing it proves the PROXY header was applied. */
    static final String CLIENT_IP = "127.0.0.42";

    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final String HAPROXY = "haproxy";

    private Standalone() {
    }

    /** The repository's root: module files, READMEs and the WAR are read from there, as a user would. */
    static Path root() {
        return Path.of(System.getProperty("proxyproto4j.root", "..")).toAbsolutePath().normalize();
    }

    /** samples/echo-war/target/echo-war.war, which the reactor builds before interop-tests (its package phase). */
    static Path echoWar() {
        Path war = root().resolve("samples/echo-war/target/echo-war.war");
        if (!Files.isRegularFile(war)) {
            fail(war + " does not exist: build it first (./mvnw verify from the root builds it before interop-tests, "
                    + "or ./mvnw -pl samples/echo-war -am package)");
        }
        return war;
    }

    /**
     * A distribution unpacked by maven-dependency-plugin (generate-test-resources), e.g. target/jetty-home/jetty-home-12.1.12.
     *
     * @param property the system property the pom sets
     * @param fallback the path relative to interop-tests/, for a run outside Maven after one build
     */
    static Path distribution(String property, String fallback) {
        Path dir = Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            fail(dir + " does not exist: maven-dependency-plugin unpacks it in interop-tests' generate-test-resources "
                    + "phase (./mvnw -pl interop-tests verify), from Maven Central");
        }
        return dir;
    }

    /**
     * The jar that holds a class, as a user would copy it from the build ({@code proxy-core/target/...jar} or the
     * local repository). When the test classpath has the module's classes directory instead (a reactor build that
     * stopped before package, e.g. {@code ./mvnw test}), the directory is packed into {@code dir/fileName}.
     *
     * @param className a class of the jar, found as a resource so that nothing is loaded
     */
    static Path jarOf(String className, Path dir, String fileName) throws IOException {
        String resource = className.replace('.', '/') + ".class";
        URL url = Standalone.class.getClassLoader().getResource(resource);
        if (url == null) {
            fail(className + " is not on the test classpath (a test dependency of interop-tests)");
        }
        try {
            if (url.getProtocol().equals("jar")) {
                return Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
            }
            Path classFile = Path.of(url.toURI());
            Path classes = classFile;
            for (int i = 0; i < resource.split("/").length; i++) {
                classes = classes.getParent();
            }
            return pack(classes, dir.resolve(fileName));
        } catch (URISyntaxException e) {
            throw new IOException(url.toString(), e);
        }
    }

    private static Path pack(Path classes, Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Whether {@code CI=true}: CI installs HAProxy, so there a missing binary is a failure. */
    static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Where HAProxy is (see {@link ExternalTool#find}). */
    static Optional<Path> findHaproxy() {
        return ExternalTool.find(HAPROXY);
    }

    /** HAProxy; under {@code CI=true} a failure when missing, locally a skip naming the package. */
    static Path requireHaproxy() {
        return ExternalTool.require(HAPROXY, "haproxy");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Sends raw bytes from {@code bindAddress} to 127.0.0.1 and returns everything the server sent before closing. */
    static byte[] exchange(String bindAddress, int port, byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(bindAddress, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(15_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                }
            } catch (SocketException reset) {
                // counts as closed
            }
            return out.toByteArray();
        }
    }

    /** A GET with {@code Connection: close}, after {@code prefix} (a PROXY header, or nothing). */
    static String get(String bindAddress, int port, String prefix) throws IOException {
        byte[] request = (prefix + "GET /standalone?x=1 HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        return new String(exchange(bindAddress, port, request), StandardCharsets.UTF_8);
    }

    /** Runs a short command (e.g. start.jar --add-modules) to its end; fails with its output unless it exits 0. */
    static void run(List<String> command, Path workDir) throws IOException, InterruptedException {
        Path log = Files.createTempFile(workDir, "command", ".log");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            stop(p);
            fail(String.join(" ", command) + " did not end within 120 s:\n" + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + ":\n" + read(log));
        Files.delete(log);
    }

    /**
     * Waits until the server answers on its PROXY port: a {@code PROXY UNKNOWN} header from 127.0.0.1 (a trusted
     * peer, the socket's addresses kept) and a GET that the echo servlet answers. A bare connect would count as a
     * rejected connection.
     */
    static void awaitEcho(Process server, Path log, int proxyPort) throws IOException, InterruptedException {
        long end = System.nanoTime() + STARTUP.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            if (!server.isAlive()) {
                fail("the server exited with " + server.exitValue() + ":\n" + read(log));
            }
            try {
                last = get("127.0.0.1", proxyPort, "PROXY UNKNOWN\r\n");
                if (last.startsWith("HTTP/1.1 200") && last.contains("\tclient_address=127.0.0.1\n")) {
                    return;
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(200);
        }
        fail("the server did not answer on " + proxyPort + " within " + STARTUP + " (last: " + last + "):\n" + read(log));
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Stops a process and everything it started (SIGTERM, so the server's shutdown hook runs), then kills. */
    static void stop(Process process) {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                if (child.isAlive()) {
                    child.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
    }

    /** Copies a directory tree. */
    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a directory tree; what cannot be deleted stays (a temp directory left behind is harmless). */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // left behind
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // left behind
        }
    }
}

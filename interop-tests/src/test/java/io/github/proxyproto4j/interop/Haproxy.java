package io.github.proxyproto4j.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy 2.6 process in TCP mode on 127.0.0.1, in front of one backend server, from a generated
 * configuration. {@code unique-id-format} is always set: without it 2.6 sends an empty UNIQUE_ID TLV.
 */
public final class Haproxy implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;

    private Haproxy(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * @param backendPort the app's port on 127.0.0.1
     * @param serverOptions what follows {@code server app 127.0.0.1:PORT}, e.g. {@code send-proxy-v2}
     */
    public static Haproxy start(int backendPort, String serverOptions) throws IOException, InterruptedException {
        Path binary = ExternalTool.require("haproxy", "haproxy");
        int port = freePort();
        Path dir = Files.createTempDirectory("haproxy");
        String config = String.join("\n",
                "global",
                "    maxconn 256",
                "defaults",
                "    mode tcp",
                "    timeout connect 5s",
                "    timeout client 30s",
                "    timeout server 30s",
                "    unique-id-format %{+X}o\\ %ci:%cp_%fi:%fp_%Ts_%rt",
                "frontend fe",
                "    bind 127.0.0.1:" + port,
                "    default_backend be",
                "backend be",
                "    server app 127.0.0.1:" + backendPort + " " + serverOptions,
                "");
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config, StandardCharsets.US_ASCII);
        Process p = new ProcessBuilder(binary.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile())
                .start();
        Haproxy h = new Haproxy(p, dir, port);
        try {
            h.awaitListening(Duration.ofSeconds(10));
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
        return h;
    }

    public int port() {
        return port;
    }

    private void awaitListening(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("haproxy exited with " + process.exitValue() + ": " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("haproxy did not listen on " + port + " within " + timeout + ": " + log());
    }

    String log() throws IOException {
        Path log = dir.resolve("haproxy.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}

package io.github.proxyproto4j.interop.cluster;

import io.github.proxyproto4j.interop.ExternalTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * HAProxy 2.6 run from samples/configs/haproxy/cluster-round-robin.cfg as it is: HAProxy expands its
 * {@code "${NAME}"} placeholders ({@code LISTEN_PORT}, {@code APP1_ADDR} ..., {@code STATE_DIR}) from the environment
 * set here. {@code show stat} on its stats socket tells each server's state.
 */
final class ClusterHaproxy implements AutoCloseable {
    static final String CONFIG = "haproxy/cluster-round-robin.cfg";

    private final Process process;
    private final Path dir;
    private final int port;

    private ClusterHaproxy(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * @param backends the PROXY ports on 127.0.0.1 of app1, app2, app3
     */
    static ClusterHaproxy start(int... backends) throws IOException, InterruptedException {
        Path binary = ExternalTool.require("haproxy", "haproxy");
        Path config = configFile(CONFIG);
        Path dir = Files.createTempDirectory("cluster-haproxy");
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-db", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("LISTEN_PORT", Integer.toString(port));
        env.put("STATE_DIR", dir.toString());
        for (int i = 0; i < backends.length; i++) {
            env.put("APP" + (i + 1) + "_ADDR", "127.0.0.1:" + backends[i]);
        }
        ClusterHaproxy h = new ClusterHaproxy(pb.start(), dir, port);
        try {
            h.awaitStatsSocket(Duration.ofSeconds(10));
        } catch (IOException | RuntimeException | InterruptedException e) {
            h.close();
            throw e;
        }
        return h;
    }

    /** samples/configs, from the module directory (as Surefire runs) or the repository root, as the matrix finds it. */
    static Path configFile(String relative) {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path candidate : new Path[] {dir.resolve("../samples/configs"), dir.resolve("samples/configs")}) {
            Path file = candidate.resolve(relative);
            if (Files.isRegularFile(file)) {
                return file.normalize();
            }
        }
        throw new IllegalStateException("no samples/configs/" + relative + " next to " + dir);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    /** Once the stats socket answers, the configuration is loaded and the frontend listens: no probe connection. */
    private void awaitStatsSocket(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("haproxy exited with " + process.exitValue() + ": " + log());
            }
            if (Files.exists(dir.resolve("haproxy.sock"))) {
                try {
                    stat();
                    return;
                } catch (IOException notYet) {
                    // bound, not yet accepting
                }
            }
            Thread.sleep(20);
        }
        throw new IOException("haproxy's stats socket did not answer within " + timeout + ": " + log());
    }

    String log() {
        try {
            Path log = dir.resolve("haproxy.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * {@code show stat}, through the stats socket.
     *
     * @return the rows of backend {@code app}'s servers, by server name, each a map from column name to value
     */
    Map<String, Map<String, String>> stat() throws IOException {
        String csv;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve("haproxy.sock")));
            ch.write(ByteBuffer.wrap("show stat\n".getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.write(buf.array(), 0, buf.limit());
                buf.clear();
            }
            csv = out.toString(StandardCharsets.US_ASCII);
        }
        List<String> lines = csv.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            throw new IOException("unexpected answer to show stat: " + csv);
        }
        String[] names = lines.get(0).substring(2).split(",", -1);
        Map<String, Map<String, String>> servers = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split(",", -1);
            if (values.length >= 2 && values[0].equals("app") && !values[1].equals("BACKEND")) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < names.length && i < values.length; i++) {
                    row.put(names[i], values[i]);
                }
                servers.put(values[1], row);
            }
        }
        return servers;
    }

    /**
     * Per server: state, last check, sessions ({@code stot}, every connection attempt), retries and redispatches
     * (attempts that went to another server), for messages and the log.
     */
    static String summary(Map<String, Map<String, String>> stat) {
        StringBuilder sb = new StringBuilder();
        stat.forEach((name, row) -> sb.append(name).append(' ').append(row.get("status")).append(' ')
                .append(row.get("check_status")).append(' ').append(row.get("check_code"))
                .append(" stot=").append(row.get("stot")).append(" wretr=").append(row.get("wretr"))
                .append(" wredis=").append(row.get("wredis")).append("; "));
        return sb.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}

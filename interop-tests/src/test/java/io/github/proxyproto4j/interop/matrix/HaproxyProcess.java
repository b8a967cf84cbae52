package io.github.proxyproto4j.interop.matrix;

import io.github.proxyproto4j.interop.ExternalTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy 2.6 run from a file in samples/configs/haproxy, unchanged: {@code LISTEN_PORT}, {@code APP_PORT},
 * {@code STATE_DIR} and {@code CERT_DIR} are environment variables that HAProxy expands itself.
 */
final class HaproxyProcess implements SenderProcess {
    private final Process process;
    private final Path dir;
    private final int port;

    private HaproxyProcess(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * @param config a file name in samples/configs/haproxy
     * @param appPort the receiver's PROXY port on 127.0.0.1
     * @param workspace for the state directory and, if the file uses them, the certificates
     */
    static HaproxyProcess start(String config, int appPort, Workspace workspace) throws Exception {
        Path binary = ExternalTool.require("haproxy", "haproxy");
        Path file = Configs.file("haproxy/" + config);
        Path dir = workspace.newDirectory("haproxy");
        Map<String, String> env = new HashMap<>();
        env.put("APP_PORT", Integer.toString(appPort));
        env.put("STATE_DIR", dir.toString());
        if (Files.readString(file).contains("${CERT_DIR}")) {
            env.put("CERT_DIR", workspace.certs().toString());
        }
        Path log = dir.resolve("haproxy.log");
        for (int attempt = 1; ; attempt++) {
            int port = Receivers.freePort();
            env.put("LISTEN_PORT", Integer.toString(port));
            ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-db", "-f", file.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            HaproxyProcess h = new HaproxyProcess(p, dir, port);
            try {
                if (Listening.await(p, port, Duration.ofSeconds(10), h::log)) {
                    return h;
                }
            } catch (IOException | InterruptedException e) {
                h.close();
                throw e;
            }
            if (attempt == 3) {
                throw new IOException("haproxy -f " + file + " exited with " + p.exitValue() + ": " + h.log());
            }
        }
    }

    @Override
    public int port() {
        return port;
    }

    String log() throws IOException {
        Path log = dir.resolve("haproxy.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /**
     * {@code show stat} on the stats socket ({@code STATE_DIR/haproxy.sock}), through a Unix domain socket.
     *
     * @return the row of server {@code svname} in proxy {@code pxname}, column name to value
     */
    Map<String, String> stat(String pxname, String svname) throws IOException {
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
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split(",", -1);
            if (values.length >= 2 && values[0].equals(pxname) && values[1].equals(svname)) {
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < names.length && i < values.length; i++) {
                    row.put(names[i], values[i]);
                }
                return row;
            }
        }
        throw new IOException("no " + pxname + "/" + svname + " in show stat: " + csv);
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
    }
}

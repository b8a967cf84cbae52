package io.github.proxyproto4j.interop.matrix;

import io.github.proxyproto4j.interop.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * nginx 1.22 with its own prefix, configuration, pid and logs in a temporary directory, in the foreground
 * ({@code daemon off}), from a file in samples/configs/nginx with its {@code ${NAME}} placeholders replaced.
 */
final class NginxProcess implements SenderProcess {
    static final Path STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");

    private final Process process;
    private final Path dir;
    private final int port;

    private NginxProcess(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * @param config a file name in samples/configs/nginx
     * @param appPort the receiver's PROXY port on 127.0.0.1
     */
    static NginxProcess start(String config, int appPort, Workspace workspace) throws Exception {
        Path binary = ExternalTool.require("nginx", "nginx");
        ExternalTool.requireFile(STREAM_MODULE, "libnginx-mod-stream");
        Path dir = workspace.newDirectory("nginx");
        for (int attempt = 1; ; attempt++) {
            // Free on 127.0.0.1; nginx also listens on [::1] with it, where it is almost always free too.
            int port = Receivers.freePort();
            Path conf = dir.resolve("nginx.conf");
            Files.writeString(conf, Configs.substitute("nginx/" + config,
                    Map.of("LISTEN_PORT", Integer.toString(port), "APP_PORT", Integer.toString(appPort))));
            Files.deleteIfExists(dir.resolve("error.log"));
            Process p = new ProcessBuilder(binary.toString(), "-p", dir + "/", "-c", conf.toString(),
                    "-e", dir.resolve("error.log").toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            NginxProcess n = new NginxProcess(p, dir, port);
            try {
                if (Listening.await(p, port, Duration.ofSeconds(10), n::log)) {
                    return n;
                }
            } catch (IOException | InterruptedException e) {
                n.close();
                throw e;
            }
            if (attempt == 3) {
                throw new IOException("nginx exited with " + p.exitValue() + ": " + n.log());
            }
        }
    }

    @Override
    public int port() {
        return port;
    }

    String log() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String name : new String[] {"stdout.log", "error.log"}) {
            Path f = dir.resolve(name);
            if (Files.exists(f)) {
                sb.append(Files.readString(f));
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: nginx's fast shutdown, the master waits for its worker
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

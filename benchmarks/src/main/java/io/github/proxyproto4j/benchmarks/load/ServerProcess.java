package io.github.proxyproto4j.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LoadServer} in a JVM of its own, so that the client's allocation and GC never pause the server, and
 * both ports of a comparison are served by the same server instance. Its output goes to a log file.
 */
final class ServerProcess implements AutoCloseable, LoadClient.ServerProbe {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Map<Port, Integer> ports;

    private ServerProcess(Process process, Map<Port, Integer> ports) {
        this.process = process;
        this.ports = ports;
    }

    /**
     * @param kind which server
     * @param serverArgs arguments after the kind, e.g. the Jetty handler's kind
     * @param jvmArgs extra arguments for the server JVM, e.g. heap size
     * @param log where the server's standard error goes
     * @return the started server, all ports bound
     * @throws IOException if it cannot start or does not report its ports in time
     */
    static ServerProcess start(ServerKind kind, List<String> serverArgs, List<String> jvmArgs, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LoadServer.class.getName());
        command.add(kind.id());
        command.addAll(serverArgs);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        CompletableFuture<Map<Port, Integer>> ready = CompletableFuture.supplyAsync(() -> readPorts(process));
        try {
            Map<Port, Integer> ports = ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new ServerProcess(process, ports);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException(kind.id() + " server did not start; see " + log, e);
        }
    }

    private static Map<Port, Integer> readPorts(Process process) {
        Map<Port, Integer> ports = new EnumMap<>(Port.class);
        BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals("ready")) {
                    return ports;
                }
                String[] parts = line.split(" ");
                if (parts.length == 3 && parts[0].equals("port")) {
                    ports.put(Port.of(parts[1]), Integer.parseInt(parts[2]));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("server exited before it was ready, exit code " + waitFor(process));
    }

    private static int waitFor(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * @param port a port name
     * @return its number
     * @throws IllegalArgumentException if this server has no such port
     */
    int port(Port port) {
        Integer number = ports.get(port);
        if (number == null) {
            throw new IllegalArgumentException("this server has no " + port.id() + " port: " + ports);
        }
        return number;
    }

    /** @return the server process's CPU time so far (user + system, all threads), in nanoseconds */
    @Override
    public long cpuNanos() {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /**
     * Context switches of the server's threads so far (voluntary and involuntary, from {@code /proc}): a thread
     * that hands work to another, or waits for it, switches. Threads that ended take their counts with them, so
     * only differences over a short window mean anything.
     *
     * @return the sum over the live threads, or -1 where {@code /proc} has no such figures
     */
    @Override
    public long contextSwitches() {
        Path tasks = Path.of("/proc", String.valueOf(process.pid()), "task");
        long sum = 0;
        try (java.util.stream.Stream<Path> threads = java.nio.file.Files.list(tasks)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                sum += switches(t.resolve("status"));
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long switches(Path status) {
        long n = 0;
        try {
            for (String line : java.nio.file.Files.readAllLines(status)) {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                    n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException e) {
            // the thread ended while we listed them: it no longer counts
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close(); // the server stops when its standard input ends
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

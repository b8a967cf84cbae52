package io.github.proxyproto4j.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the results record about the machine and JVM they were measured on. */
final class Machine {
    private Machine() {
    }

    static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        m.put("cpuModel", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        m.put("memTotal", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.name") + " "
                + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("osRelease", firstValue(Path.of("/etc/os-release"), "PRETTY_NAME"));
        return m;
    }

    /** @return /proc/loadavg's first three figures (1, 5 and 15 minutes), or "unknown" */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The value of the first "key: value" or "key=value" line of a file, or "unknown". */
    private static String firstValue(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(key)) {
                    String rest = line.substring(key.length()).trim();
                    if (rest.startsWith(":") || rest.startsWith("=")) {
                        return rest.substring(1).trim().replace("\"", "");
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: say so below
        }
        return "unknown";
    }
}

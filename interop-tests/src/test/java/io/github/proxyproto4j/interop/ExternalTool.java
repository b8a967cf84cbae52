package io.github.proxyproto4j.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a real program (haproxy, nginx, curl). Under {@code CI=true} a missing program fails the test, since
 * CI installs it; on a developer machine the test is skipped with a message naming the Debian package.
 */
final class ExternalTool {
    private ExternalTool() {
    }

    static Path require(String program, String debianPackage) {
        String path = System.getenv("PATH");
        String search = (path == null ? "" : path) + File.pathSeparator + "/usr/sbin" + File.pathSeparator + "/usr/bin";
        for (String dir : search.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = program + " is not installed: apt-get install -y " + debianPackage;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " (CI installs it in .ci/run; a missing binary there is a failure, not a skip)");
        }
        Assumptions.abort(message + " to run this interop test locally");
        return null;
    }
}

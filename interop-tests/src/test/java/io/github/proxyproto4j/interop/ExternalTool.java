package io.github.proxyproto4j.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a real program (haproxy, nginx, curl). Under {@code CI=true} a missing program fails the test, since
 * CI installs it; on a developer machine the test is skipped with a message naming the Debian package.
 * Public for the matrix in {@code io.github.proxyproto4j.interop.matrix}.
 */
public final class ExternalTool {
    private ExternalTool() {
    }

    /**
     * @param program the program's file name, looked up on PATH, then in /usr/sbin and /usr/bin
     * @param debianPackage the package that installs it
     * @return its path
     */
    public static Path require(String program, String debianPackage) {
        Optional<Path> found = find(program);
        if (found.isPresent()) {
            return found.get();
        }
        missing(program + " is not installed: apt-get install -y " + debianPackage);
        return null;
    }

    /**
     * For what a program needs besides itself, e.g. nginx's stream module.
     *
     * @param file a file a package installs
     * @param debianPackage that package
     * @return the file
     */
    public static Path requireFile(Path file, String debianPackage) {
        if (!Files.isRegularFile(file)) {
            missing(file + " does not exist: apt-get install -y " + debianPackage);
        }
        return file;
    }

    /**
     * Where a program is: the PATH, then /usr/sbin and /usr/bin.
     *
     * @param program the executable's name
     * @return its path, or empty
     */
    public static Optional<Path> find(String program) {
        String path = System.getenv("PATH");
        String search = (path == null ? "" : path) + File.pathSeparator + "/usr/sbin" + File.pathSeparator + "/usr/bin";
        for (String dir : search.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.of(Path.of(dir, program));
            }
        }
        return Optional.empty();
    }

    /**
     * Something a test needs is missing: under {@code CI=true} a failure, locally a skip naming what to install.
     *
     * @param message what is missing and how to install it
     */
    public static void missing(String message) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " (CI installs it in .ci/run; a missing binary there is a failure, not a skip)");
        }
        Assumptions.abort(message + " to run this interop test locally");
    }
}

package io.github.proxyproto4j.interop.matrix;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The ready-to-copy sender configurations in samples/configs, which the matrix runs as they are (HAProxy expands
 * their {@code "${NAME}"} placeholders from the environment) or after replacing {@code ${NAME}} (nginx, which has
 * no such expansion): the documentation and the tests share one file.
 */
final class Configs {
    private Configs() {
    }

    /** samples/configs, from the module directory (as Surefire runs) or the repository root. */
    static Path root() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path candidate : new Path[] {dir.resolve("../samples/configs"), dir.resolve("samples/configs")}) {
            if (Files.isDirectory(candidate)) {
                return candidate.normalize();
            }
        }
        throw new IllegalStateException("no samples/configs next to " + dir);
    }

    static Path file(String relative) {
        Path file = root().resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " does not exist");
        }
        return file;
    }

    /** The file with every {@code ${NAME}} replaced; a placeholder left over is a test failure. */
    static String substitute(String relative, Map<String, String> values) throws IOException {
        String text = Files.readString(file(relative), StandardCharsets.UTF_8);
        for (Map.Entry<String, String> e : values.entrySet()) {
            text = text.replace("${" + e.getKey() + "}", e.getValue());
        }
        assertFalse(text.contains("${"), relative + " has a placeholder the test does not set:\n" + text);
        return text;
    }
}

package io.github.proxyproto4j.spring.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A PKCS12 keystore with a self-signed certificate for localhost, made once per JVM by the JDK's keytool. */
final class TestKeystore {
    static final String PASSWORD = "changeit";
    static final String ALIAS = "web";

    private static Path path;

    private TestKeystore() {
    }

    /** @return the keystore, made on first use in a temp directory removed when the JVM exits */
    static synchronized Path path() {
        if (path == null) {
            try {
                Path dir = Files.createTempDirectory("proxyproto4j-starter-tls");
                dir.toFile().deleteOnExit();
                path = generate(dir.resolve("web.p12"), "localhost");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return path;
    }

    /**
     * Writes a new keystore (a new key and self-signed certificate) to a file, replacing it if there.
     *
     * @param store the file
     * @param cn the certificate's common name
     * @return the file
     */
    static Path generate(Path store, String cn) {
        try {
            Path tmp = store.resolveSibling(store.getFileName() + ".new");
            Files.deleteIfExists(tmp);
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                    "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=" + cn,
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore",
                    tmp.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(tmp)) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            Files.move(tmp, store, StandardCopyOption.REPLACE_EXISTING);
            store.toFile().deleteOnExit();
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return the keystore as a Spring resource location */
    static String location() {
        return path().toUri().toString();
    }
}

package io.github.proxyproto4j.interop.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.proxyproto4j.interop.ExternalTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A temporary directory for one run of the matrix: the certificates (made on first use) and each sender's own
 * directory. {@link #close} deletes it all.
 */
final class Workspace implements AutoCloseable {
    private final Path root;
    private Path keyStore;
    private Path certs;

    Workspace() throws IOException {
        root = Files.createTempDirectory("interop-matrix");
    }

    Path newDirectory(String prefix) throws IOException {
        return Files.createTempDirectory(root, prefix);
    }

    /**
     * A self-signed EC key for localhost, 127.0.0.1 and ::1, PKCS12, password changeit: for the TLS-by-app
     * receivers. Jetty answers {@code 400 Invalid SNI} to a request whose Host the certificate does not name
     * ({@code SecureRequestCustomizer}'s SNI host check), so it names every host the cells ask for.
     */
    synchronized Path keyStore() throws IOException, InterruptedException {
        if (keyStore == null) {
            Path file = root.resolve("ks.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            run(root, keytool.toString(), "-genkeypair", "-alias", "app", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", "changeit",
                    "-keypass", "changeit");
            keyStore = file;
        }
        return keyStore;
    }

    /**
     * A CA, a server certificate for lb.test (server.pem: certificate then key, as HAProxy's {@code crt} takes it),
     * and a client certificate with CN=alice (client.pem, client.key), made with openssl. HAProxy's
     * {@code CERT_DIR}.
     */
    synchronized Path certs() throws IOException, InterruptedException {
        if (certs == null) {
            String openssl = ExternalTool.require("openssl", "openssl").toString();
            Path dir = Files.createDirectory(root.resolve("certs"));
            String ec = "ec_paramgen_curve:prime256v1";
            run(dir, openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "ca.key",
                    "-out", "ca.pem", "-days", "2", "-subj", "/CN=proxyproto4j interop CA",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            issue(openssl, dir, "server", "/CN=lb.test",
                    "subjectAltName=DNS:lb.test\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
            Files.writeString(dir.resolve("server.pem"), Files.readString(dir.resolve("server.crt"))
                    + Files.readString(dir.resolve("server.key")));
            issue(openssl, dir, "client", "/CN=alice", "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
            Files.move(dir.resolve("client.crt"), dir.resolve("client.pem"));
            certs = dir;
        }
        return certs;
    }

    private static void issue(String openssl, Path dir, String name, String subject, String extensions)
            throws IOException, InterruptedException {
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        run(dir, openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
        run(dir, openssl, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-out", name + ".crt", "-extfile", name + ".ext");
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + "\n" + output);
    }

    @Override
    public void close() {
        delete(root);
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path p : paths) {
            p.toFile().delete();
        }
    }
}

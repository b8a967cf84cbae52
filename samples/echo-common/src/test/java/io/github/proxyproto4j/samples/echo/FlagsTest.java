package io.github.proxyproto4j.samples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlagsTest {
    @Test
    void defaults() {
        Flags f = Flags.parse();
        assertEquals("0.0.0.0", f.host());
        assertEquals(8080, f.plainPort());
        assertEquals(9080, f.proxyPort());
        assertEquals(ProxyProtocolConfig.defaults(), f.config());
        assertEquals("plain HTTP on 0.0.0.0:8080", f.plainLine(8080));
        assertEquals("PROXY protocol (required, trusted-proxies=all) on 0.0.0.0:9080", f.proxyLine(9080));
    }

    @Test
    void everyFlag() {
        Flags f = Flags.parse("--server.port=0", "--proxy-protocol.port=19080", "--server.address=127.0.0.1",
                "--proxy-protocol.mode=mixed", "--proxy-protocol.trusted-proxies=10.0.0.0/8",
                "--proxy-protocol.header-timeout=500ms", "--proxy-protocol.max-pending=7");
        assertEquals(0, f.plainPort());
        assertEquals(19080, f.proxyPort());
        assertEquals("127.0.0.1", f.host());
        assertEquals(Duration.ofMillis(500), f.config().headerTimeout());
        assertEquals(7, f.config().maxPending());
        assertEquals("PROXY protocol (mixed, trusted-proxies=10.0.0.0/8) on 127.0.0.1:1", f.proxyLine(1));
    }

    @Test
    void usageErrors() {
        for (String bad : new String[] {"--nope=1", "--proxy-protocol.nope=1", "server.port=1", "--server.port",
                "--server.port=-1", "--server.port=x", "--proxy-protocol.header-timeout=soon",
                "--proxy-protocol.mode=mixed"}) {
            assertThrows(Flags.UsageException.class, () -> Flags.parse(bad), bad);
        }
    }

    @Test
    void helpAndUsage() {
        assertTrue(Flags.wantsHelp("--server.port=1", "-h"));
        assertFalse(Flags.wantsHelp("--server.port=1"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Flags.usage(new PrintStream(out, true, StandardCharsets.UTF_8), "x.jar");
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("usage: java -jar x.jar [--name=value ...]"), text);
        for (ConfigKey k : ConfigKey.values()) {
            assertTrue(text.contains(k.sampleFlag() + "=VALUE"), text);
        }
    }

    @Test
    void tlsFlagsAreUnknownUnlessTheSampleTerminatesTls() {
        Flags.UsageException e = assertThrows(Flags.UsageException.class,
                () -> Flags.parse("--server.ssl.key-store=ks.p12"));
        assertTrue(e.getMessage().startsWith("unknown flag: --server.ssl.key-store"), e.getMessage());
        assertFalse(Flags.parse(true).keyStore().isPresent());
    }

    @Test
    void tlsUsageErrors(@TempDir Path dir) throws Exception {
        Path p12 = keytool(dir, "ks.p12", "PKCS12");
        for (String[] bad : new String[][] {
                {"--server.ssl.key-store-password=changeit"},                       // no key store
                {"--server.ssl.key-alias=app"},
                {"--server.ssl.key-store=" + dir.resolve("missing.p12")},
                {"--server.ssl.key-store=" + dir},                                   // a directory
                {"--server.ssl.key-store=" + p12, "--server.ssl.key-store-password=wrong"},
                {"--server.ssl.key-store=" + p12, "--server.ssl.key-store-password=secret1",
                    "--server.ssl.key-alias=nope"},
                {"--server.ssl.key-store=" + p12, "--server.ssl.key-store-password=secret1",
                    "--server.ssl.key-store-type=NOPE"}}) {
            assertThrows(Flags.UsageException.class, () -> Flags.parse(true, bad), String.join(" ", bad));
        }
    }

    @Test
    void keyStoreTypeComesFromTheFile(@TempDir Path dir) throws Exception {
        for (String type : new String[] {"PKCS12", "JKS"}) {
            Path file = keytool(dir, "ks." + type.toLowerCase(Locale.ROOT), type);
            Flags f = Flags.parse(true, "--server.ssl.key-store=" + file, "--server.ssl.key-store-password=secret1");
            Flags.TlsKeyStore ks = f.keyStore().orElseThrow();
            assertEquals(type, ks.type());
            assertEquals(file.toAbsolutePath(), ks.path());
            assertEquals("secret1", ks.password());
            assertEquals("app", ks.alias()); // the first key entry, when none is named
            assertFalse(ks.toString().contains("secret1"), ks.toString());
            assertEquals("PROXY protocol + TLS (required, trusted-proxies=all) on 0.0.0.0:9080", f.proxyLine(9080));
        }
        Path p12 = dir.resolve("ks.pkcs12");
        assertEquals("app", Flags.parse(true, "--server.ssl.key-store=" + p12, "--server.ssl.key-store-password=secret1",
                "--server.ssl.key-store-type=PKCS12", "--server.ssl.key-alias=app").keyStore().orElseThrow().alias());
    }

    @Test
    void usageListsTheTlsFlagsOnlyWhenAsked() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Flags.usage(new PrintStream(out, true, StandardCharsets.UTF_8), "x.jar", true);
        String text = out.toString(StandardCharsets.UTF_8);
        for (String flag : List.of(Flags.SSL_KEY_STORE, Flags.SSL_KEY_STORE_PASSWORD, Flags.SSL_KEY_STORE_TYPE,
                Flags.SSL_KEY_ALIAS)) {
            assertTrue(text.contains(flag + "="), text);
        }
        out.reset();
        Flags.usage(new PrintStream(out, true, StandardCharsets.UTF_8), "x.jar");
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("--server.ssl."));
    }

    /** A self-signed EC key pair under alias {@code app}, password {@code secret1}, made by the JDK's keytool. */
    static Path keytool(Path dir, String name, String type) throws IOException, InterruptedException {
        Path file = dir.resolve(name);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "app", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2", "-storetype", type,
                "-keystore", file.toString(), "-storepass", "secret1", "-keypass", "secret1")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        assertTrue(Files.isRegularFile(file), output);
        return file;
    }
}

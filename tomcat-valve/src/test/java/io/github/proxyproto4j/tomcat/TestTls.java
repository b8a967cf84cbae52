package io.github.proxyproto4j.tomcat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

/**
 * Key material made once per JVM with the JDK's {@code keytool} into a temporary directory: a self-signed server
 * certificate for localhost and 127.0.0.1, a self-signed client certificate (CN=app-client) and a truststore
 * holding that client certificate, for the app's own mutual TLS. Plus the JSSE configuration of a Tomcat connector
 * and the client-side contexts.
 */
final class TestTls {
    static final String PASSWORD = "changeit";
    static final String CLIENT_CN = "app-client";
    private static Path dir;

    private TestTls() {
    }

    private static synchronized Path dir() throws IOException, InterruptedException {
        if (dir == null) {
            Path d = Files.createTempDirectory("proxyproto4j-tomcat-tls");
            Path server = d.resolve("server.p12");
            Path client = d.resolve("client.p12");
            // both keys at once: each keytool run is a JVM start
            Process s = keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", server.toString(), "-storepass", PASSWORD, "-keypass",
                    PASSWORD);
            Process c = keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + CLIENT_CN, "-validity", "2", "-storetype", "PKCS12", "-keystore",
                    client.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
            await(s);
            await(c);
            // Tomcat checks client certificates with PKIX, which wants trusted-certificate entries: a truststore
            // holding the client's certificate alone, written here rather than by two more keytool runs
            Path trust = d.resolve("trust-clients.p12");
            try {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                ts.setCertificateEntry("client", load(client).getCertificate("client"));
                try (OutputStream out = Files.newOutputStream(trust)) {
                    ts.store(out, PASSWORD.toCharArray());
                }
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
            for (Path p : List.of(d, server, client, trust)) {
                p.toFile().deleteOnExit(); // registered in this order, deleted in reverse: the files, then the dir
            }
            dir = d;
        }
        return dir;
    }

    private static Process keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void await(Process p) throws IOException, InterruptedException {
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }

    static Path serverKeyStore() throws IOException, InterruptedException {
        return dir().resolve("server.p12");
    }

    static Path clientKeyStore() throws IOException, InterruptedException {
        return dir().resolve("client.p12");
    }

    /** @return the app's truststore for client certificates: the generated client certificate */
    static Path clientTrustStore() throws IOException, InterruptedException {
        return dir().resolve("trust-clients.p12");
    }

    /**
     * Turns the connector into the app's own TLS endpoint (JSSE), as server.xml's {@code SSLEnabled="true"} would.
     *
     * @param connector a connector not yet started
     * @param requireClientCert whether clients must present a certificate from {@link #clientTrustStore()}
     */
    static void enable(Connector connector, boolean requireClientCert) throws Exception {
        connector.setSecure(true);
        connector.setScheme("https");
        if (!connector.setProperty("SSLEnabled", "true")) {
            throw new IllegalStateException("SSLEnabled was not accepted by " + connector);
        }
        SSLHostConfig host = new SSLHostConfig();
        SSLHostConfigCertificate cert = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        cert.setCertificateKeystoreFile(serverKeyStore().toString());
        cert.setCertificateKeystorePassword(PASSWORD);
        cert.setCertificateKeystoreType("PKCS12");
        host.addCertificate(cert);
        if (requireClientCert) {
            host.setCertificateVerification("required");
            host.setTruststoreFile(clientTrustStore().toString());
            host.setTruststorePassword(PASSWORD);
            host.setTruststoreType("PKCS12");
        }
        connector.addSslHostConfig(host);
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    /** A JDK SSLContext trusting the generated server certificate only, presenting no certificate. */
    static SSLContext clientContext() throws Exception {
        return clientContext(false);
    }

    /**
     * @param withClientCert whether to present the generated client certificate
     * @return a JDK SSLContext trusting the generated server certificate only
     */
    static SSLContext clientContext(boolean withClientCert) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(serverKeyStore()));
        KeyManagerFactory kmf = null;
        if (withClientCert) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(clientKeyStore()), PASSWORD.toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** @return a client's first TLS flight, its ClientHello record(s), as an SSLEngine's first wrap makes it */
    static byte[] clientHello() throws Exception {
        SSLEngine engine = clientContext().createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        if (bytes.length == 0 || bytes[0] != 0x16) {
            throw new IllegalStateException("not a TLS handshake record");
        }
        return bytes;
    }
}

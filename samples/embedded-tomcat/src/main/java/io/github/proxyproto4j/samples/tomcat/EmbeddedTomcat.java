package io.github.proxyproto4j.samples.tomcat;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.samples.echo.EchoServlet;
import io.github.proxyproto4j.samples.echo.Flags;
import io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol;
import io.github.proxyproto4j.tomcat.ProxyProtocolValve;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

/**
 * Embedded Tomcat 11 serving {@link EchoServlet} on two ports, as in the load balancer set-up this project
 * started from: a plain HTTP port (8080) and a port that requires a PROXY protocol header (9080). Both
 * speak HTTP/2 as well: h2c on plaintext, h2 through ALPN with TLS.
 *
 * <p>With {@code --server.ssl.key-store} the PROXY port terminates TLS itself (JSSE): the load balancer
 * passes the client's TLS through untouched and puts the PROXY header in front of the ClientHello
 * (HAProxy {@code mode tcp} with {@code send-proxy-v2}).
 *
 * <pre>
 * java -jar embedded-tomcat.jar --proxy-protocol.trusted-proxies=10.0.0.0/8 [--server.port=8080]
 *     [--proxy-protocol.port=9080] [--server.address=0.0.0.0] [--proxy-protocol.header-timeout=5s]
 *     [--server.ssl.key-store=ks.p12 --server.ssl.key-store-password=changeit] ...
 * </pre>
 */
public final class EmbeddedTomcat {
    private EmbeddedTomcat() {
    }

    /**
     * Runs the server until the process is stopped.
     *
     * @param args {@code --name=value} flags, see {@link #usage}
     * @throws Exception if the server cannot start
     */
    public static void main(String... args) throws Exception {
        if (Flags.wantsHelp(args)) {
            usage(System.out);
            return;
        }
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            // One line per log record instead of java.util.logging's two.
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s - %5$s%6$s%n");
        }
        Tomcat tomcat;
        try {
            tomcat = start(args);
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(tomcat), "embedded-tomcat-shutdown"));
        tomcat.getServer().await(); // until stop(), from the shutdown hook
    }

    /**
     * Builds and starts the server, then prints one line per connector with the port it is bound to.
     *
     * @param args {@code --name=value} flags
     * @return the started server; {@link #plainPort} and {@link #proxyPort} tell its ports, {@link #stop} ends it
     * @throws UsageException if a flag is unknown or its value does not parse
     * @throws Exception if the server cannot start, e.g. a port is taken
     */
    public static Tomcat start(String... args) throws Exception {
        Flags o;
        try {
            o = Flags.parse(true, args);
        } catch (Flags.UsageException e) {
            throw new UsageException(e);
        }
        ProxyProtocolConfig config = o.config();
        Path base = Files.createTempDirectory("embedded-tomcat"); // set before anything else: else ./tomcat.8080

        // The whole integration: a connector whose protocol reads the PROXY header, and the Valve.
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector proxied = new Connector(new ProxyProtocolHttp11NioProtocol(config));           // 9080: PROXY
        proxied.setPort(o.proxyPort());
        tomcat.getService().addConnector(proxied);
        tomcat.getEngine().getPipeline().addValve(new ProxyProtocolValve());                     // attributes, https

        Connector plain = new Connector();                                                       // 8080: plain
        plain.setPort(o.plainPort());
        tomcat.getService().addConnector(plain);
        plain.setProperty("address", o.host());
        proxied.setProperty("address", o.host());
        o.keyStore().ifPresent(ks -> terminateTls(proxied, ks));                                  // 9080: + TLS
        // HTTP/2 on both: h2c (Upgrade or prior knowledge) on plaintext, h2 through ALPN on TLS.
        plain.addUpgradeProtocol(new Http2Protocol());
        proxied.addUpgradeProtocol(new Http2Protocol());

        tomcat.getServer().addLifecycleListener(event -> {
            if (Lifecycle.AFTER_DESTROY_EVENT.equals(event.getType())) {
                delete(base);
            }
        });
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "echo", new EchoServlet());
        context.addServletMappingDecoded("/*", "echo");

        try {
            tomcat.start();
            for (Connector c : new Connector[] {plain, proxied}) {
                if (c.getState() != LifecycleState.STARTED) {
                    throw new LifecycleException("connector on " + o.host() + ":" + c.getPort()
                            + " did not start (port taken?), see the log above");
                }
            }
        } catch (Exception e) {
            stop(tomcat);
            throw e;
        }

        System.out.println(o.plainLine(plain.getLocalPort()));
        System.out.println(o.proxyLine(proxied.getLocalPort()));
        System.out.flush();
        return tomcat;
    }

    /**
     * What {@code server.ssl.*} does in Spring Boot, and {@code SSLEnabled="true"} with a {@code <Certificate>} in
     * server.xml: the connector terminates TLS with JSSE, after the PROXY header. Its requests are secure, https.
     */
    private static void terminateTls(Connector connector, Flags.TlsKeyStore ks) {
        connector.setProperty("SSLEnabled", "true");
        connector.setScheme("https");
        connector.setSecure(true);
        SSLHostConfig ssl = new SSLHostConfig(); // the default host: every SNI name, and none
        SSLHostConfigCertificate certificate =
                new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED); // RSA or EC: from the key
        certificate.setCertificateKeystoreFile(ks.path().toString()); // absolute: Tomcat reads relative to its base
        certificate.setCertificateKeystorePassword(ks.password());
        certificate.setCertificateKeystoreType(ks.type());
        certificate.setCertificateKeyAlias(ks.alias()); // as given, or the first key entry
        ssl.addCertificate(certificate);
        connector.addSslHostConfig(ssl);
    }

    /**
     * Stops and destroys a server from {@link #start}, and removes its temporary base directory.
     *
     * @param tomcat the server
     */
    public static void stop(Tomcat tomcat) {
        try {
            if (tomcat.getServer().getState().isAvailable()) {
                tomcat.stop();
            }
            if (tomcat.getServer().getState() != LifecycleState.DESTROYED) {
                tomcat.destroy();
            }
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param tomcat a server from {@link #start}
     * @return the port the plain HTTP connector is bound to
     */
    public static int plainPort(Tomcat tomcat) {
        return connector(tomcat, false).getLocalPort();
    }

    /**
     * @param tomcat a server from {@link #start}
     * @return the port the PROXY protocol connector is bound to
     */
    public static int proxyPort(Tomcat tomcat) {
        return connector(tomcat, true).getLocalPort();
    }

    private static Connector connector(Tomcat tomcat, boolean proxyProtocol) {
        for (Connector c : tomcat.getService().findConnectors()) {
            if ((c.getProtocolHandler() instanceof ProxyProtocolHttp11NioProtocol) == proxyProtocol) {
                return c;
            }
        }
        throw new IllegalArgumentException("no " + (proxyProtocol ? "PROXY protocol" : "plain") + " connector");
    }

    /**
     * Prints the flags and their defaults.
     *
     * @param out where to
     */
    public static void usage(PrintStream out) {
        Flags.usage(out, "embedded-tomcat.jar", true);
    }

    /** Best effort: a temporary directory left behind is no reason to fail a stop. */
    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // already gone, or not ours to remove
        }
    }

    /** A flag that is unknown, malformed, or has a value that does not parse ({@link Flags}). */
    public static final class UsageException extends Flags.UsageException {
        private static final long serialVersionUID = 1L;

        UsageException(Flags.UsageException e) {
            super(e.getMessage(), e.getCause());
        }
    }
}

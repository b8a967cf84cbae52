package io.github.proxyproto4j.samples.jetty;

import io.github.proxyproto4j.jetty.ProxyProtocolConnectionFactory;
import io.github.proxyproto4j.samples.echo.EchoServlet;
import io.github.proxyproto4j.samples.echo.Flags;
import java.io.PrintStream;
import java.util.List;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Embedded Jetty serving {@link EchoServlet} on two ports, as in the load balancer set-up this project
 * started from: a plain HTTP port (8080) and a port that requires a PROXY protocol header (9080). Both
 * speak HTTP/2 as well: h2c on plaintext, h2 through ALPN with TLS.
 *
 * <p>With {@code --server.ssl.key-store} the PROXY port terminates TLS itself: the load balancer passes the
 * client's TLS through untouched and puts the PROXY header in front of the ClientHello (HAProxy {@code mode tcp}
 * with {@code send-proxy-v2}). The PROXY connector is then {@code [proxy, ssl, alpn, h2, http/1.1]}; without a
 * key store it is {@code [proxy, http/1.1, h2c]}, and the plain one {@code [http/1.1, h2c]}.
 *
 * <pre>
 * java -jar embedded-jetty.jar --proxy-protocol.trusted-proxies=10.0.0.0/8 [--server.port=8080]
 *     [--proxy-protocol.port=9080] [--server.address=0.0.0.0] [--proxy-protocol.header-timeout=5s]
 *     [--server.ssl.key-store=ks.p12 --server.ssl.key-store-password=changeit] ...
 * </pre>
 */
public final class EmbeddedJetty {
    /** Name of the plain HTTP connector. */
    public static final String PLAIN = "plain";
    /** Name of the PROXY protocol connector. */
    public static final String PROXIED = "proxy-protocol";

    private EmbeddedJetty() {
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
        Server server;
        try {
            server = start(args);
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        server.join();
    }

    /**
     * Builds and starts the server, then prints one line per connector with the port it is bound to.
     *
     * @param args {@code --name=value} flags
     * @return the started server; {@link #plainPort} and {@link #proxyPort} tell its ports
     * @throws UsageException if a flag is unknown or its value does not parse
     * @throws Exception if the server cannot start
     */
    public static Server start(String... args) throws Exception {
        Flags o;
        try {
            o = Flags.parse(true, args);
        } catch (Flags.UsageException e) {
            throw new UsageException(e);
        }

        // The whole integration: a second connector whose first factory reads the PROXY header.
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration(); // shared by HTTP/1.1 and h2c: see terminateTls
        ServerConnector plain = new ServerConnector(server,
                new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));           // 8080: plain
        ServerConnector proxied = new ServerConnector(server, new ProxyProtocolConnectionFactory(o.config()),
                new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));           // 9080: PROXY
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(EchoServlet.class, "/*");
        o.keyStore().ifPresent(ks -> terminateTls(proxied, ks));                                    // 9080: + TLS
        server.setHandler(context);

        plain.setName(PLAIN);
        plain.setHost(o.host());
        plain.setPort(o.plainPort());
        proxied.setName(PROXIED);
        proxied.setHost(o.host());
        proxied.setPort(o.proxyPort());
        server.addConnector(plain);
        server.addConnector(proxied);
        server.start();

        System.out.println(o.plainLine(plain.getLocalPort()));
        System.out.println(o.proxyLine(proxied.getLocalPort()));
        System.out.flush();
        return server;
    }

    /**
     * What {@code server.ssl.*} does in Spring Boot, and Jetty's {@code ssl} and {@code http2} modules: after the
     * PROXY header the connector terminates TLS (JSSE) and negotiates h2 or HTTP/1.1 by ALPN (HTTP/1.1 for a client
     * that offers none). Its requests are secure, https. The chain becomes {@code [proxy, ssl, alpn, h2, http/1.1]}.
     */
    private static void terminateTls(ServerConnector connector, Flags.TlsKeyStore ks) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(ks.path().toString());
        tls.setKeyStorePassword(ks.password());
        tls.setKeyStoreType(ks.type());
        tls.setCertAlias(ks.alias());
        tls.setCipherComparator(HTTP2Cipher.COMPARATOR); // ciphers that h2 accepts first
        // One configuration for h2 and HTTP/1.1, as for h2c and HTTP/1.1 above: the PROXY factory adds its request
        // customizer (the header's request attributes) to the configurations of the connector's HTTP/1.1 factories,
        // and Jetty's HTTP/2 factories are not HttpConfiguration.ConnectionFactory: an h2 factory with a
        // configuration of its own would serve its requests without those attributes.
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer()); // isSecure(), https, the TLS request attributes
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol("http/1.1");
        ConnectionFactory header = connector.getConnectionFactory(ProxyProtocolConnectionFactory.class);
        connector.setConnectionFactories(List.of(header, new SslConnectionFactory(tls, alpn.getProtocol()), alpn,
                new HTTP2ServerConnectionFactory(https), new HttpConnectionFactory(https)));
    }

    /**
     * @param server a server from {@link #start}
     * @return the port the plain HTTP connector is bound to
     */
    public static int plainPort(Server server) {
        return connector(server, PLAIN).getLocalPort();
    }

    /**
     * @param server a server from {@link #start}
     * @return the port the PROXY protocol connector is bound to
     */
    public static int proxyPort(Server server) {
        return connector(server, PROXIED).getLocalPort();
    }

    private static ServerConnector connector(Server server, String name) {
        for (Connector c : server.getConnectors()) {
            if (name.equals(c.getName()) && c instanceof ServerConnector sc) {
                return sc;
            }
        }
        throw new IllegalArgumentException("no connector named " + name);
    }

    /**
     * Prints the flags and their defaults.
     *
     * @param out where to
     */
    public static void usage(PrintStream out) {
        Flags.usage(out, "embedded-jetty.jar", true);
    }

    /** A flag that is unknown, malformed, or has a value that does not parse ({@link Flags}). */
    public static final class UsageException extends Flags.UsageException {
        private static final long serialVersionUID = 1L;

        UsageException(Flags.UsageException e) {
            super(e.getMessage(), e.getCause());
        }
    }
}

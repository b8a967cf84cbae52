package io.github.proxyproto4j.samples.jetty;

import io.github.proxyproto4j.jetty.ProxyProtocolConnectionFactory;
import io.github.proxyproto4j.samples.echo.EchoServlet;
import io.github.proxyproto4j.samples.echo.Flags;
import java.io.PrintStream;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Embedded Jetty serving {@link EchoServlet} on two ports, as in the load balancer set-up this project
 * started from: a plain HTTP port (8080) and a port that requires a PROXY protocol header (9080).
 *
 * <pre>
 * java -jar embedded-jetty.jar --proxy-protocol.trusted-proxies=10.0.0.0/8 [--server.port=8080]
 *     [--proxy-protocol.port=9080] [--server.address=0.0.0.0] [--proxy-protocol.header-timeout=5s] ...
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
            o = Flags.parse(args);
        } catch (Flags.UsageException e) {
            throw new UsageException(e);
        }

        // The whole integration: a second connector whose first factory reads the PROXY header.
        Server server = new Server();
        ServerConnector plain = new ServerConnector(server);                                    // 8080: plain
        ServerConnector proxied = new ServerConnector(server,
                new ProxyProtocolConnectionFactory(o.config()), new HttpConnectionFactory());     // 9080: PROXY
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(EchoServlet.class, "/*");
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
        Flags.usage(out, "embedded-jetty.jar");
    }

    /** A flag that is unknown, malformed, or has a value that does not parse ({@link Flags}). */
    public static final class UsageException extends Flags.UsageException {
        private static final long serialVersionUID = 1L;

        UsageException(Flags.UsageException e) {
            super(e.getMessage(), e.getCause());
        }
    }
}

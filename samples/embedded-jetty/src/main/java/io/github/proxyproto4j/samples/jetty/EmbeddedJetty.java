package io.github.proxyproto4j.samples.jetty;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.jetty.ProxyProtocolConnectionFactory;
import io.github.proxyproto4j.samples.echo.EchoServlet;
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

    private static final String SERVER_PORT = "--server.port";
    private static final String SERVER_ADDRESS = "--server.address";
    private static final String PROXY_PORT = "--proxy-protocol.port";

    private EmbeddedJetty() {
    }

    /**
     * Runs the server until the process is stopped.
     *
     * @param args {@code --name=value} flags, see {@link #usage}
     * @throws Exception if the server cannot start
     */
    public static void main(String... args) throws Exception {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                usage(System.out);
                return;
            }
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
        Options o = Options.parse(args);

        // The whole integration: a second connector whose first factory reads the PROXY header.
        Server server = new Server();
        ServerConnector plain = new ServerConnector(server);                                    // 8080: plain
        ServerConnector proxied = new ServerConnector(server,
                new ProxyProtocolConnectionFactory(o.config), new HttpConnectionFactory());       // 9080: PROXY
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(EchoServlet.class, "/*");
        server.setHandler(context);

        plain.setName(PLAIN);
        plain.setHost(o.host);
        plain.setPort(o.plainPort);
        proxied.setName(PROXIED);
        proxied.setHost(o.host);
        proxied.setPort(o.proxyPort);
        server.addConnector(plain);
        server.addConnector(proxied);
        server.start();

        System.out.println("plain HTTP on " + o.host + ":" + plain.getLocalPort());
        System.out.println("PROXY protocol (" + o.config.text(ConfigKey.MODE) + ", trusted-proxies="
                + (o.config.trustedProxies().entries().isEmpty() ? "all" : o.config.text(ConfigKey.TRUSTED_PROXIES))
                + ") on " + o.host + ":" + proxied.getLocalPort());
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
        out.println("usage: java -jar embedded-jetty.jar [--name=value ...]");
        out.println();
        out.printf("  %-45s %s%n", SERVER_PORT + "=PORT", "plain HTTP port (default 8080; 0 = any free port)");
        out.printf("  %-45s %s%n", PROXY_PORT + "=PORT", "PROXY protocol port (default 9080; 0 = any free port)");
        out.printf("  %-45s %s%n", SERVER_ADDRESS + "=HOST", "address both ports bind to (default 0.0.0.0)");
        for (ConfigKey k : ConfigKey.values()) {
            out.printf("  %-45s %s (default %s)%n", k.sampleFlag() + "=VALUE", k.meaning().replace("`", ""),
                    k.defaultText());
        }
    }

    /** A flag that is unknown, malformed, or has a value that does not parse. */
    public static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class Options {
        String host = "0.0.0.0";
        int plainPort = 8080;
        int proxyPort = 9080;
        ProxyProtocolConfig config;

        static Options parse(String... args) {
            Options o = new Options();
            ProxyProtocolConfig.Builder builder = ProxyProtocolConfig.builder();
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (!arg.startsWith("--") || eq < 0) {
                    throw new UsageException("flags take the form --name=value: " + arg, null);
                }
                String name = arg.substring(0, eq);
                String value = arg.substring(eq + 1);
                try {
                    switch (name) {
                        case SERVER_PORT:
                            o.plainPort = port(name, value);
                            break;
                        case PROXY_PORT:
                            o.proxyPort = port(name, value);
                            break;
                        case SERVER_ADDRESS:
                            o.host = value.trim();
                            break;
                        default:
                            if (!name.startsWith("--" + ConfigKey.SPRING_BOOT_PREFIX)) {
                                throw new IllegalArgumentException("unknown flag: " + name);
                            }
                            builder.set(ConfigKey.byName(name), value, false); // false: durations as text, 5s
                    }
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage(), e);
                }
            }
            try {
                o.config = builder.build();
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage(), e);
            }
            return o;
        }

        private static int port(String name, String value) {
            try {
                int port = Integer.parseInt(value.trim());
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException(name.substring(2) + ": not a port (0-65535): '" + value + "'");
        }
    }
}

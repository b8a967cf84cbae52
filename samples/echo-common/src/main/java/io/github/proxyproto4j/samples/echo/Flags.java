package io.github.proxyproto4j.samples.echo;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.PrintStream;

/**
 * The command line every embedded sample takes: {@code --server.port} (plain HTTP, default 8080),
 * {@code --proxy-protocol.port} (PROXY protocol, default 9080), {@code --server.address} (default 0.0.0.0)
 * and every {@link ConfigKey} as {@code --proxy-protocol.<key>=value}, durations written as in Spring Boot
 * ({@code 5s}, {@code 500ms}). Flags take the form {@code --name=value}.
 */
public final class Flags {
    /** The plain HTTP port flag. */
    public static final String SERVER_PORT = "--server.port";
    /** The address both ports bind to. */
    public static final String SERVER_ADDRESS = "--server.address";
    /** The PROXY protocol port flag. */
    public static final String PROXY_PORT = "--proxy-protocol.port";

    private final String host;
    private final int plainPort;
    private final int proxyPort;
    private final ProxyProtocolConfig config;

    private Flags(String host, int plainPort, int proxyPort, ProxyProtocolConfig config) {
        this.host = host;
        this.plainPort = plainPort;
        this.proxyPort = proxyPort;
        this.config = config;
    }

    /**
     * @param args the command line
     * @return whether it asks for the usage ({@code --help} or {@code -h} anywhere)
     */
    public static boolean wantsHelp(String... args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses the command line.
     *
     * @param args {@code --name=value} flags
     * @return the flags
     * @throws UsageException if a flag is unknown or malformed, or its value does not parse
     */
    public static Flags parse(String... args) {
        String host = "0.0.0.0";
        int plainPort = 8080;
        int proxyPort = 9080;
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
                        plainPort = port(name, value);
                        break;
                    case PROXY_PORT:
                        proxyPort = port(name, value);
                        break;
                    case SERVER_ADDRESS:
                        host = value.trim();
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
            return new Flags(host, plainPort, proxyPort, builder.build());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
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

    /** @return the address both ports bind to */
    public String host() {
        return host;
    }

    /** @return the plain HTTP port asked for; 0 = any free port */
    public int plainPort() {
        return plainPort;
    }

    /** @return the PROXY protocol port asked for; 0 = any free port */
    public int proxyPort() {
        return proxyPort;
    }

    /** @return the PROXY protocol settings */
    public ProxyProtocolConfig config() {
        return config;
    }

    /**
     * @param boundPort the port the plain connector is bound to
     * @return the start-up line of the plain port, e.g. {@code plain HTTP on 0.0.0.0:8080}
     */
    public String plainLine(int boundPort) {
        return "plain HTTP on " + host + ":" + boundPort;
    }

    /**
     * @param boundPort the port the PROXY protocol connector is bound to
     * @return the start-up line of the PROXY port, e.g.
     *         {@code PROXY protocol (required, trusted-proxies=10.0.0.0/8) on 0.0.0.0:9080}
     */
    public String proxyLine(int boundPort) {
        return "PROXY protocol (" + config.text(ConfigKey.MODE) + ", trusted-proxies="
                + (config.trustedProxies().entries().isEmpty() ? "all" : config.text(ConfigKey.TRUSTED_PROXIES))
                + ") on " + host + ":" + boundPort;
    }

    /**
     * Prints the flags and their defaults.
     *
     * @param out where to
     * @param jar the jar's file name, for the first line
     */
    public static void usage(PrintStream out, String jar) {
        out.println("usage: java -jar " + jar + " [--name=value ...]");
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
    public static class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what is wrong, naming the flag
         * @param cause the parse error, or null
         */
        public UsageException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

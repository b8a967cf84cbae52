package io.github.proxyproto4j.samples.echo;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;

/**
 * The command line every embedded sample takes: {@code --server.port} (plain HTTP, default 8080),
 * {@code --proxy-protocol.port} (PROXY protocol, default 9080), {@code --server.address} (default 0.0.0.0)
 * and every {@link ConfigKey} as {@code --proxy-protocol.<key>=value}, durations written as in Spring Boot
 * ({@code 5s}, {@code 500ms}). Flags take the form {@code --name=value}.
 *
 * <p>A sample that can terminate TLS on its PROXY port parses with {@link #parse(boolean, String...)} and
 * {@code true}: then the {@code --server.ssl.*} flags (Spring Boot's names) are known too, and
 * {@link #keyStore()} says which key store to serve. Without it they are unknown flags.
 */
public final class Flags {
    /** The plain HTTP port flag. */
    public static final String SERVER_PORT = "--server.port";
    /** The address both ports bind to. */
    public static final String SERVER_ADDRESS = "--server.address";
    /** The PROXY protocol port flag. */
    public static final String PROXY_PORT = "--proxy-protocol.port";
    /** The key store of the PROXY port's TLS (PKCS12 or JKS); TLS is on when it is given. */
    public static final String SSL_KEY_STORE = "--server.ssl.key-store";
    /** The key store's password, also the key's. */
    public static final String SSL_KEY_STORE_PASSWORD = "--server.ssl.key-store-password";
    /** The key store's type, {@code PKCS12} or {@code JKS}; by default read from the file. */
    public static final String SSL_KEY_STORE_TYPE = "--server.ssl.key-store-type";
    /** The alias of the key entry to serve; by default the first key entry. */
    public static final String SSL_KEY_ALIAS = "--server.ssl.key-alias";

    private final String host;
    private final int plainPort;
    private final int proxyPort;
    private final ProxyProtocolConfig config;
    private final TlsKeyStore keyStore;

    private Flags(String host, int plainPort, int proxyPort, ProxyProtocolConfig config, TlsKeyStore keyStore) {
        this.host = host;
        this.plainPort = plainPort;
        this.proxyPort = proxyPort;
        this.config = config;
        this.keyStore = keyStore;
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
        return parse(false, args);
    }

    /**
     * Parses the command line, with or without the {@code --server.ssl.*} flags.
     *
     * @param tls whether the sample can terminate TLS on its PROXY port, and so knows the
     *        {@code --server.ssl.*} flags
     * @param args {@code --name=value} flags
     * @return the flags; with a key store, checked to open with its password and to hold the key alias
     * @throws UsageException if a flag is unknown or malformed, or its value does not parse
     */
    public static Flags parse(boolean tls, String... args) {
        String host = "0.0.0.0";
        int plainPort = 8080;
        int proxyPort = 9080;
        ProxyProtocolConfig.Builder builder = ProxyProtocolConfig.builder();
        String keyStore = null;
        String keyStorePassword = null;
        String keyStoreType = null;
        String keyAlias = null;
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
                    case SSL_KEY_STORE:
                    case SSL_KEY_STORE_PASSWORD:
                    case SSL_KEY_STORE_TYPE:
                    case SSL_KEY_ALIAS:
                        if (!tls) {
                            throw new IllegalArgumentException("unknown flag: " + name
                                    + " (this sample does not terminate TLS)");
                        }
                        if (name.equals(SSL_KEY_STORE)) {
                            keyStore = value;
                        } else if (name.equals(SSL_KEY_STORE_PASSWORD)) {
                            keyStorePassword = value;
                        } else if (name.equals(SSL_KEY_STORE_TYPE)) {
                            keyStoreType = value.trim();
                        } else {
                            keyAlias = value;
                        }
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
        TlsKeyStore tlsKeyStore = null;
        if (keyStore != null) {
            tlsKeyStore = TlsKeyStore.open(keyStore, keyStorePassword, keyStoreType, keyAlias);
        } else if (keyStorePassword != null || keyStoreType != null || keyAlias != null) {
            throw new UsageException("the --server.ssl.* flags need " + SSL_KEY_STORE + "=PATH", null);
        }
        try {
            return new Flags(host, plainPort, proxyPort, builder.build(), tlsKeyStore);
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

    /** @return the key store of the PROXY port's TLS; empty = the PROXY port is plaintext */
    public Optional<TlsKeyStore> keyStore() {
        return Optional.ofNullable(keyStore);
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
     *         {@code PROXY protocol (required, trusted-proxies=10.0.0.0/8) on 0.0.0.0:9080}, or
     *         {@code PROXY protocol + TLS (...) on ...} with a key store
     */
    public String proxyLine(int boundPort) {
        return "PROXY protocol" + (keyStore == null ? "" : " + TLS") + " (" + config.text(ConfigKey.MODE)
                + ", trusted-proxies="
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
        usage(out, jar, false);
    }

    /**
     * Prints the flags and their defaults.
     *
     * @param out where to
     * @param jar the jar's file name, for the first line
     * @param tls whether to list the {@code --server.ssl.*} flags (see {@link #parse(boolean, String...)})
     */
    public static void usage(PrintStream out, String jar, boolean tls) {
        out.println("usage: java -jar " + jar + " [--name=value ...]");
        out.println();
        out.printf("  %-45s %s%n", SERVER_PORT + "=PORT", "plain HTTP port (default 8080; 0 = any free port)");
        out.printf("  %-45s %s%n", PROXY_PORT + "=PORT", "PROXY protocol port (default 9080; 0 = any free port)");
        out.printf("  %-45s %s%n", SERVER_ADDRESS + "=HOST", "address both ports bind to (default 0.0.0.0)");
        if (tls) {
            out.printf("  %-45s %s%n", SSL_KEY_STORE + "=PATH",
                    "PKCS12 or JKS key store: TLS on the PROXY port, after the header (default none: plaintext)");
            out.printf("  %-45s %s%n", SSL_KEY_STORE_PASSWORD + "=TEXT",
                    "its password, also the key's (default changeit)");
            out.printf("  %-45s %s%n", SSL_KEY_STORE_TYPE + "=TYPE", "PKCS12 or JKS (default: from the file)");
            out.printf("  %-45s %s%n", SSL_KEY_ALIAS + "=NAME", "the key entry to serve (default: the first one)");
        }
        for (ConfigKey k : ConfigKey.values()) {
            out.printf("  %-45s %s (default %s)%n", k.sampleFlag() + "=VALUE", k.meaning().replace("`", ""),
                    k.defaultText());
        }
    }

    /**
     * The key store of {@code --server.ssl.*}, opened once at parse time so that a wrong path, password, type or
     * alias is a usage error rather than a connector that fails to start.
     *
     * @param path absolute path of the key store file
     * @param password its password (also the key's)
     * @param type {@code PKCS12} or {@code JKS}, as given or as read from the file
     * @param alias the key entry to serve: as given, or else the key store's first key entry
     */
    public record TlsKeyStore(Path path, String password, String type, String alias) {
        /** Tomcat's default key store password, used when none is given. */
        public static final String DEFAULT_PASSWORD = "changeit";

        static TlsKeyStore open(String file, String password, String type, String alias) {
            Path path = Path.of(file.trim()).toAbsolutePath().normalize();
            String flag = SSL_KEY_STORE.substring(2);
            if (!Files.isReadable(path) || Files.isDirectory(path)) {
                throw new UsageException(flag + ": not a readable file: " + path, null);
            }
            String pw = password == null ? DEFAULT_PASSWORD : password;
            KeyStore ks;
            try {
                if (type == null || type.isEmpty()) {
                    ks = KeyStore.getInstance(path.toFile(), pw.toCharArray()); // probes PKCS12 and JKS
                } else {
                    ks = KeyStore.getInstance(type);
                    try (InputStream in = Files.newInputStream(path)) {
                        ks.load(in, pw.toCharArray());
                    }
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new UsageException(flag + ": cannot open " + path
                        + (type == null || type.isEmpty() ? "" : " as " + type) + ": " + e.getMessage()
                        + (password == null ? " (no " + SSL_KEY_STORE_PASSWORD + " given, so tried "
                                + DEFAULT_PASSWORD + ")" : ""), e);
            }
            String served = alias;
            try {
                if (alias != null && !ks.isKeyEntry(alias)) {
                    throw new UsageException(SSL_KEY_ALIAS.substring(2) + ": no key entry '" + alias + "' in "
                            + path + " (aliases: " + Collections.list(ks.aliases()) + ")", null);
                }
                if (alias == null) {
                    // Tomcat's choice too (the first key entry), named here: its start-up log would say "tomcat".
                    served = Collections.list(ks.aliases()).stream().filter(a -> isKey(ks, a)).findFirst()
                            .orElseThrow(() -> new UsageException(flag + ": no key entry in " + path, null));
                }
            } catch (KeyStoreException e) {
                throw new UsageException(flag + ": " + e.getMessage(), e);
            }
            return new TlsKeyStore(path, pw, ks.getType().toUpperCase(Locale.ROOT), served);
        }

        private static boolean isKey(KeyStore ks, String alias) {
            try {
                return ks.isKeyEntry(alias);
            } catch (KeyStoreException e) {
                return false;
            }
        }

        /** The password is left out, so that the record can be logged. */
        @Override
        public String toString() {
            return "TlsKeyStore[" + path + ", " + type + ", alias " + alias + "]";
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

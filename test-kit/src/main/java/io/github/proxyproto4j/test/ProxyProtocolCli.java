package io.github.proxyproto4j.test;

import io.github.proxyproto4j.core.Tlv;
import io.github.proxyproto4j.core.TlvType;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar proxyproto4j-test.jar [options] URL}: sends one HTTP request through a PROXY protocol port
 * and prints the response, like curl with a PROXY header in front. See {@link #USAGE}.
 *
 * <p>Exit status: 0 when a response came (whatever its status), 3 when the server closed the connection
 * without a response, 2 on a usage error, 1 on any other error (connection refused, timeout, TLS).
 */
public final class ProxyProtocolCli {
    /** Exit status: a response came. */
    public static final int OK = 0;
    /** Exit status: an error other than the ones below. */
    public static final int ERROR = 1;
    /** Exit status: the command line is wrong. */
    public static final int USAGE_ERROR = 2;
    /** Exit status: the server closed the connection without a response. */
    public static final int CLOSED_WITHOUT_RESPONSE = 3;

    /** The help text. */
    public static final String USAGE = String.join("\n",
            "Usage: java -jar proxyproto4j-test.jar [options] URL",
            "",
            "Sends one HTTP/1.1 request to URL (http: or https:), preceded by a PROXY protocol header, and",
            "prints the response: status line, headers and body.",
            "",
            "Header:",
            "  --v1 | --v2             header version (default v1)",
            "  --source IP[:PORT]      the client the header claims (default 203.0.113.7:40000);",
            "                          IPv6 with a port as [2001:db8::1]:40000",
            "  --destination IP[:PORT] the destination it claims (default the URL's address and port)",
            "  --local                 LOCAL command (v2) / PROXY UNKNOWN (v1): a health check",
            "  --tlv TYPE=HEX          a TLV (v2; repeatable); TYPE a number (0xEA, 234) or a name",
            "                          (ALPN, AUTHORITY, UNIQUE_ID, NETNS, AWS, AZURE, GCP, ...)",
            "  --authority HOST        AUTHORITY TLV (0x02)",
            "  --alpn PROTO            ALPN TLV (0x01)",
            "  --crc32c                append a CRC32C TLV (v2)",
            "  --no-header             send no header at all",
            "  --show-header           print the header in hex on stderr",
            "",
            "Connection and request:",
            "  --bind IP               local address of the client socket",
            "  --insecure              https: trust any certificate and host name",
            "  --timeout SECONDS       connect and read timeout (default 10)",
            "  -X METHOD               request method (default GET, POST with -d)",
            "  -H 'Name: value'        request header (repeatable)",
            "  -d BODY                 request body; @FILE reads a file",
            "  --help                  this text",
            "",
            "Exit status: 0 a response came, 3 the server closed without a response,",
            "2 usage error, 1 other error (refused, timeout, TLS).",
            "",
            "Examples:",
            "  java -jar proxyproto4j-test.jar --source 203.0.113.7 --v2 http://localhost:9080/",
            "  java -jar proxyproto4j-test.jar --v2 --authority app.example --alpn h2 --crc32c \\",
            "      --tlv AWS=01767063652d3132 http://localhost:9080/",
            "  java -jar proxyproto4j-test.jar --v2 --insecure https://localhost:9443/",
            "  java -jar proxyproto4j-test.jar --no-header http://localhost:9080/   # exit 3: refused",
            "");

    private ProxyProtocolCli() {
    }

    /**
     * Runs the tool and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /**
     * Runs the tool.
     *
     * @param args the command line
     * @param out where the response goes
     * @param err where messages go
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            err.println("proxyproto4j-test: " + e.getMessage());
            err.println("Try --help.");
            return USAGE_ERROR;
        }
        if (options.help) {
            out.print(USAGE);
            return OK;
        }
        ProxyProtocolClient client;
        byte[] header;
        try {
            client = options.client();
            header = client.headerBytes();
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("proxyproto4j-test: " + e.getMessage());
            return USAGE_ERROR;
        } catch (UncheckedIOException e) {
            err.println("proxyproto4j-test: " + e.getCause());
            return ERROR;
        }
        if (options.showHeader) {
            err.println(describe(header));
        }
        HttpResult result;
        try {
            result = client.request(options.method(), options.target(), options.headers, options.body);
        } catch (UncheckedIOException e) {
            err.println("proxyproto4j-test: " + e.getCause());
            return ERROR;
        }
        if (result.closedWithoutResponse()) {
            err.println("connection closed without a response");
            return CLOSED_WITHOUT_RESPONSE;
        }
        StringBuilder head = new StringBuilder(result.statusLine()).append("\r\n");
        for (Map.Entry<String, String> h : result.headers()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1), 0, head.length());
        byte[] body = result.bodyBytes();
        out.write(body, 0, body.length);
        out.flush();
        return OK;
    }

    /** The header's bytes in hex, with v1's text line after them. */
    static String describe(byte[] header) {
        if (header.length == 0) {
            return "PROXY header: none";
        }
        StringBuilder sb = new StringBuilder("PROXY header (").append(header.length).append(" bytes): ")
                .append(HexFormat.ofDelimiter(" ").formatHex(header));
        if (header[0] == 'P') {
            sb.append("\n  ").append(new String(header, StandardCharsets.US_ASCII).replace("\r\n", "\\r\\n"));
        }
        return sb.toString();
    }

    /**
     * Parses a command line.
     *
     * @param args the command line
     * @return the options
     * @throws UsageException if it is wrong
     */
    static Options parse(String[] args) throws UsageException {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> o.help = true;
                case "--v1" -> o.version = 1;
                case "--v2" -> o.version = 2;
                case "--local" -> o.local = true;
                case "--crc32c" -> o.crc32c = true;
                case "--no-header" -> o.noHeader = true;
                case "--insecure", "-k" -> o.insecure = true;
                case "--show-header" -> o.showHeader = true;
                case "--source" -> {
                    o.source = address(a, value(args, ++i, a));
                }
                case "--destination" -> {
                    o.destination = address(a, value(args, ++i, a));
                }
                case "--bind" -> {
                    String ip = value(args, ++i, a);
                    literal(a, ip);
                    o.bind = ip;
                }
                case "--tlv" -> o.tlvs.add(tlv(value(args, ++i, a)));
                case "--authority" -> o.tlvs.add(Tlv.of(TlvType.AUTHORITY,
                        value(args, ++i, a).getBytes(StandardCharsets.UTF_8)));
                case "--alpn" -> o.tlvs.add(Tlv.of(TlvType.ALPN, value(args, ++i, a).getBytes(StandardCharsets.UTF_8)));
                case "--timeout" -> {
                    String v = value(args, ++i, a);
                    try {
                        double seconds = Double.parseDouble(v);
                        if (!(seconds > 0) || seconds > 86_400) {
                            throw new NumberFormatException();
                        }
                        o.timeout = Duration.ofMillis((long) Math.ceil(seconds * 1000));
                    } catch (NumberFormatException e) {
                        throw new UsageException("--timeout takes a positive number of seconds: " + v);
                    }
                }
                case "-X" -> o.method = value(args, ++i, a);
                case "-H" -> {
                    String h = value(args, ++i, a);
                    int colon = h.indexOf(':');
                    if (colon <= 0) {
                        throw new UsageException("-H takes 'Name: value': " + h);
                    }
                    o.headers.put(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
                }
                case "-d" -> {
                    String d = value(args, ++i, a);
                    if (d.startsWith("@")) {
                        try {
                            o.body = Files.readAllBytes(Path.of(d.substring(1)));
                        } catch (IOException e) {
                            throw new UsageException("cannot read " + d.substring(1) + ": " + e);
                        }
                    } else {
                        o.body = d.getBytes(StandardCharsets.UTF_8);
                    }
                }
                default -> {
                    if (a.startsWith("-")) {
                        throw new UsageException("unknown option " + a);
                    }
                    if (o.url != null) {
                        throw new UsageException("more than one URL: " + o.url + " and " + a);
                    }
                    o.url = url(a);
                }
            }
        }
        if (o.help) {
            return o;
        }
        if (o.url == null) {
            throw new UsageException("no URL");
        }
        if (!o.noHeader && o.version == 1 && (!o.tlvs.isEmpty() || o.crc32c)) {
            throw new UsageException("--tlv, --authority, --alpn and --crc32c need --v2");
        }
        return o;
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static URI url(String s) throws UsageException {
        try {
            URI uri = new URI(s);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new UsageException("the URL must be http: or https: " + s);
            }
            if (uri.getHost() == null) {
                throw new UsageException("no host in the URL: " + s);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException("bad URL: " + e.getMessage());
        }
    }

    /** IP, IP:PORT, IPv6, [IPv6] or [IPv6]:PORT; the port is -1 when not given. */
    private static Address address(String option, String s) throws UsageException {
        String ip;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new UsageException(option + " takes IP[:PORT]: " + s);
            }
            ip = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else if (!rest.isEmpty()) {
                throw new UsageException(option + " takes IP[:PORT]: " + s);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            ip = s.substring(0, s.indexOf(':'));
            port = s.substring(s.indexOf(':') + 1);
        } else {
            ip = s;
        }
        literal(option, ip);
        int p = -1;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -2;
            }
            if (p < 0 || p > 0xFFFF) {
                throw new UsageException(option + ": bad port in " + s);
            }
        }
        return new Address(ip, p);
    }

    private static void literal(String option, String ip) throws UsageException {
        try {
            ProxyProtocolClient.literal(ip);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " takes an IP address: " + ip);
        }
    }

    private static Tlv tlv(String s) throws UsageException {
        int eq = s.indexOf('=');
        if (eq <= 0) {
            throw new UsageException("--tlv takes TYPE=HEX: " + s);
        }
        String type = s.substring(0, eq).trim();
        String hex = s.substring(eq + 1).trim();
        if (hex.startsWith("0x") || hex.startsWith("0X")) {
            hex = hex.substring(2);
        }
        int t = tlvType(type);
        byte[] value;
        try {
            value = HexFormat.of().parseHex(hex.replace(":", "").replace(" ", ""));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--tlv: not hex: " + hex);
        }
        try {
            return Tlv.of(t, value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--tlv: " + e.getMessage());
        }
    }

    private static int tlvType(String type) throws UsageException {
        try {
            int t = type.startsWith("0x") || type.startsWith("0X") ? Integer.parseInt(type.substring(2), 16)
                    : Integer.parseInt(type);
            if (t < 0 || t > 0xFF) {
                throw new UsageException("--tlv: TYPE must be 0..255: " + type);
            }
            return t;
        } catch (NumberFormatException notNumber) {
            String name = type.toUpperCase(Locale.ROOT).replace('-', '_');
            for (Field f : TlvType.class.getFields()) {
                if (f.getName().equals(name) && f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                    try {
                        return f.getInt(null);
                    } catch (IllegalAccessException e) {
                        break;
                    }
                }
            }
            throw new UsageException("--tlv: unknown TLV type " + type);
        }
    }

    /** A wrong command line. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** An address and a port, -1 when not given. */
    record Address(String ip, int port) {
    }

    /** A parsed command line. */
    static final class Options {
        boolean help;
        int version = 1;
        Address source;
        Address destination;
        boolean local;
        String bind;
        final List<Tlv> tlvs = new ArrayList<>();
        boolean crc32c;
        boolean noHeader;
        boolean insecure;
        boolean showHeader;
        Duration timeout;
        String method;
        final Map<String, String> headers = new LinkedHashMap<>();
        byte[] body;
        URI url;

        String method() {
            return method != null ? method : body != null ? "POST" : "GET";
        }

        String target() {
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        }

        ProxyProtocolClient client() {
            ProxyProtocolClient c = ProxyProtocolClient.to(url);
            if (insecure && url.getScheme().equalsIgnoreCase("https")) {
                c = c.tlsTrustAll();
            }
            if (bind != null) {
                c = c.bind(bind);
            }
            if (timeout != null) {
                c = c.timeout(timeout);
            }
            if (noHeader) {
                return c.noHeader();
            }
            c = version == 2 ? c.v2() : c.v1();
            if (source != null) {
                c = c.source(source.ip(), source.port() >= 0 ? source.port() : ProxyProtocolClient.DEFAULT_SOURCE_PORT);
            }
            if (destination != null) {
                int port = destination.port() >= 0 ? destination.port()
                        : url.getPort() >= 0 ? url.getPort() : url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
                c = c.destination(destination.ip(), port);
            }
            for (Tlv t : tlvs) {
                c = c.tlv(t.type(), t.value());
            }
            if (crc32c) {
                c = c.crc32c();
            }
            if (local) {
                c = c.local();
            }
            return c;
        }
    }
}

package io.github.proxyproto4j.test;

import io.github.proxyproto4j.core.Command;
import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.SslInfo;
import io.github.proxyproto4j.core.Tlv;
import io.github.proxyproto4j.core.TlvType;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * An HTTP/1.1 client that opens each connection with a PROXY protocol header, for tests and for trying a
 * server by hand. Each request is one connection: connect (from {@link #bind} if given), write the header,
 * optionally do a TLS handshake over the same socket, send the request with {@code Connection: close}, and
 * read the response.
 *
 * <pre>{@code
 * HttpResult r = ProxyProtocolClient.to("localhost", proxyPort)
 *         .v2()
 *         .source("203.0.113.7", 40000)
 *         .authority("app.example")
 *         .get("/");
 * assertTrue(r.body().contains("client_address=203.0.113.7"));
 * }</pre>
 *
 * <p>Instances are immutable: every setter returns a new client, so a configured client can be shared and
 * varied. By default a v1 header claims the client {@value #DEFAULT_SOURCE_ADDRESS}:{@value #DEFAULT_SOURCE_PORT}
 * connected to the target's address and port. Addresses given for the header are IP literals, never looked up.
 *
 * <p>A server that closes the connection without sending a byte (what a strict PROXY protocol port does with a
 * connection it rejects) gives a result whose {@link HttpResult#closedWithoutResponse()} is true; I/O errors
 * otherwise (refused connection, timeout, TLS failure) are thrown as {@link UncheckedIOException}.
 */
public final class ProxyProtocolClient {
    /** The client address the header claims unless {@link #source} says otherwise: TEST-NET-3, documentation. */
    public static final String DEFAULT_SOURCE_ADDRESS = "203.0.113.7";
    /** The client port the header claims unless {@link #source} says otherwise. */
    public static final int DEFAULT_SOURCE_PORT = 40000;
    /** Connect timeout and read timeout unless {@link #timeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private enum HeaderMode { BUILT, GIVEN, RAW, NONE }

    private final String host;
    private final int port;
    private final String path;
    private String bind;
    private int version = 1;
    private InetAddress sourceAddress;
    private int sourcePort = DEFAULT_SOURCE_PORT;
    private InetAddress destinationAddress;
    private int destinationPort;
    private List<Tlv> tlvs = List.of();
    private boolean crc32c;
    private boolean local;
    private HeaderMode mode = HeaderMode.BUILT;
    private ProxyHeader header;
    private byte[] rawHeader;
    private SSLContext ssl;
    private boolean verifyHostname;
    private Duration timeout = DEFAULT_TIMEOUT;

    private ProxyProtocolClient(String host, int port, String path) {
        this.host = host;
        this.port = port;
        this.path = path;
        this.sourceAddress = literal(DEFAULT_SOURCE_ADDRESS);
    }

    private ProxyProtocolClient copy() {
        ProxyProtocolClient c = new ProxyProtocolClient(host, port, path);
        c.bind = bind;
        c.version = version;
        c.sourceAddress = sourceAddress;
        c.sourcePort = sourcePort;
        c.destinationAddress = destinationAddress;
        c.destinationPort = destinationPort;
        c.tlvs = tlvs;
        c.crc32c = crc32c;
        c.local = local;
        c.mode = mode;
        c.header = header;
        c.rawHeader = rawHeader;
        c.ssl = ssl;
        c.verifyHostname = verifyHostname;
        c.timeout = timeout;
        return c;
    }

    /**
     * A client for a host and port, plain HTTP after the header.
     *
     * @param host the server's host name or IP literal
     * @param port the server's port, where it expects the PROXY header
     * @return the client
     */
    public static ProxyProtocolClient to(String host, int port) {
        Objects.requireNonNull(host, "host");
        checkPort(port);
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new ProxyProtocolClient(h, port, "/");
    }

    /**
     * A client for an {@code http:} or {@code https:} URI. An {@code https:} URI means TLS after the header,
     * with the JDK's default trust store and host name verification (see {@link #tls} and {@link #tlsTrustAll}).
     * The URI's path and query are what {@link #get()} requests.
     *
     * @param uri the URI, e.g. {@code http://localhost:9080/}
     * @return the client
     */
    public static ProxyProtocolClient to(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("only http and https URIs: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        boolean https = scheme.equals("https");
        int p = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        ProxyProtocolClient c = to(uri.getHost(), p);
        c = new ProxyProtocolClient(c.host, c.port, path);
        if (https) {
            try {
                c.ssl = SSLContext.getDefault();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no default SSLContext", e);
            }
            c.verifyHostname = true;
        }
        return c;
    }

    /**
     * @param address the local IP address to bind the client socket to, e.g. {@code 127.0.0.2}; the server
     *        sees it as the peer (the "proxy")
     * @return a new client
     */
    public ProxyProtocolClient bind(String address) {
        literal(address);
        ProxyProtocolClient c = copy();
        c.bind = address;
        return c;
    }

    /** @return a new client sending a v1 (text) header, the default */
    public ProxyProtocolClient v1() {
        ProxyProtocolClient c = copy();
        c.version = 1;
        return c;
    }

    /** @return a new client sending a v2 (binary) header */
    public ProxyProtocolClient v2() {
        ProxyProtocolClient c = copy();
        c.version = 2;
        return c;
    }

    /**
     * @param ip the client address the header claims, an IPv4 or IPv6 literal
     * @param port the client port the header claims
     * @return a new client
     */
    public ProxyProtocolClient source(String ip, int port) {
        InetAddress a = literal(ip);
        checkPort(port);
        ProxyProtocolClient c = copy();
        c.sourceAddress = a;
        c.sourcePort = port;
        return c;
    }

    /**
     * @param ip the destination address the header claims, an IP literal; by default the address connected to
     * @param port the destination port the header claims; by default the port connected to
     * @return a new client
     */
    public ProxyProtocolClient destination(String ip, int port) {
        InetAddress a = literal(ip);
        checkPort(port);
        ProxyProtocolClient c = copy();
        c.destinationAddress = a;
        c.destinationPort = port;
        return c;
    }

    /**
     * Adds a TLV (v2 only), after those added before.
     *
     * @param type the type, see {@link TlvType}
     * @param value the value
     * @return a new client
     */
    public ProxyProtocolClient tlv(int type, byte[] value) {
        return withTlv(Tlv.of(type, value));
    }

    /** @param alpn the ALPN TLV (0x01), e.g. {@code h2} @return a new client */
    public ProxyProtocolClient alpn(String alpn) {
        return tlv(TlvType.ALPN, alpn.getBytes(StandardCharsets.UTF_8));
    }

    /** @param authority the AUTHORITY TLV (0x02): the SNI host name the client sent @return a new client */
    public ProxyProtocolClient authority(String authority) {
        return tlv(TlvType.AUTHORITY, authority.getBytes(StandardCharsets.UTF_8));
    }

    /** @param ssl the SSL TLV (0x20) with its sub-TLVs, e.g. {@code SslInfo.of(SslInfo.CLIENT_SSL, 0, ...)} @return a new client */
    public ProxyProtocolClient ssl(SslInfo ssl) {
        return tlv(TlvType.SSL, ProxyHeader.builder().ssl(ssl).build().tlv(TlvType.SSL).orElseThrow().value());
    }

    /** @return a new client appending a CRC32C TLV (0x03) with the right checksum to its v2 headers */
    public ProxyProtocolClient crc32c() {
        ProxyProtocolClient c = copy();
        c.crc32c = true;
        return c;
    }

    /**
     * A health-check header: the LOCAL command with no addresses in v2 (TLVs still go), {@code PROXY UNKNOWN}
     * in v1. A server uses the connection's own addresses.
     *
     * @return a new client
     */
    public ProxyProtocolClient local() {
        ProxyProtocolClient c = copy();
        c.local = true;
        return c;
    }

    /**
     * Sends this header, encoded in its own version (with a CRC32C TLV appended if {@link #crc32c} was asked);
     * the address, TLV and command settings are then not used.
     *
     * @param header the header
     * @return a new client
     */
    public ProxyProtocolClient header(ProxyHeader header) {
        ProxyProtocolClient c = copy();
        c.mode = HeaderMode.GIVEN;
        c.header = Objects.requireNonNull(header, "header");
        return c;
    }

    /**
     * Sends exactly these bytes as the header, valid or not: for testing how a server rejects bad headers.
     *
     * @param bytes the bytes to write before the request (or the TLS handshake)
     * @return a new client
     */
    public ProxyProtocolClient rawHeader(byte[] bytes) {
        ProxyProtocolClient c = copy();
        c.mode = HeaderMode.RAW;
        c.rawHeader = bytes.clone();
        return c;
    }

    /** @return a new client sending no header at all: the request (or the TLS handshake) comes first */
    public ProxyProtocolClient noHeader() {
        ProxyProtocolClient c = copy();
        c.mode = HeaderMode.NONE;
        return c;
    }

    /**
     * TLS after the header, as a load balancer in TCP mode passes it through: the server's PROXY port ends in a
     * TLS connector. The server's certificate is checked with this context's trust managers and its host name
     * against the target host.
     *
     * @param context the client's SSL context
     * @return a new client
     */
    public ProxyProtocolClient tls(SSLContext context) {
        ProxyProtocolClient c = copy();
        c.ssl = Objects.requireNonNull(context, "context");
        c.verifyHostname = true;
        return c;
    }

    /** @return a new client doing TLS after the header, trusting any certificate and host name (tests only) */
    public ProxyProtocolClient tlsTrustAll() {
        ProxyProtocolClient c = copy();
        c.ssl = trustAllContext();
        c.verifyHostname = false;
        return c;
    }

    /**
     * @param timeout the connect timeout and the timeout of each read; 10 seconds by default
     * @return a new client
     */
    public ProxyProtocolClient timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        ProxyProtocolClient c = copy();
        c.timeout = timeout;
        return c;
    }

    /**
     * The header this client sends, as bytes: empty for {@link #noHeader()}. Resolves the target host when the
     * destination address is left to default.
     *
     * @return the bytes written first on every connection
     * @throws IllegalStateException if the settings cannot make a header, e.g. TLVs on a v1 header
     */
    public byte[] headerBytes() {
        try {
            return headerBytes(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] headerBytes(InetAddress target) {
        switch (mode) {
            case NONE:
                return new byte[0];
            case RAW:
                return rawHeader.clone();
            case GIVEN:
                return encode(header);
            default:
                break;
        }
        if (version == 1 && (!tlvs.isEmpty() || crc32c)) {
            throw new IllegalStateException("TLVs and CRC32C need a v2 header: call v2()");
        }
        ProxyHeader.Builder b = ProxyHeader.builder().version(version);
        if (local) {
            if (version == 2) {
                b.command(Command.LOCAL);
            }
        } else {
            InetAddress dst = destinationAddress != null ? destinationAddress : target;
            int dport = destinationAddress != null ? destinationPort : port;
            b.addresses(new InetSocketAddress(sourceAddress, sourcePort), new InetSocketAddress(dst, dport));
        }
        for (Tlv t : tlvs) {
            b.tlv(t);
        }
        return encode(b.build());
    }

    private byte[] encode(ProxyHeader h) {
        if (h.version() == 1) {
            if (crc32c) {
                throw new IllegalStateException("CRC32C needs a v2 header");
            }
            return ProxyHeaderEncoder.encodeV1(h);
        }
        return ProxyHeaderEncoder.encodeV2(h, crc32c);
    }

    /**
     * Opens a connection, writes the header and does the TLS handshake if asked: for speaking something other
     * than one HTTP/1.1 request. The caller closes the socket.
     *
     * @return the connected socket, an {@link SSLSocket} with TLS
     * @throws UncheckedIOException if connecting, writing or the handshake fails
     */
    public Socket open() {
        CountingSocket raw = null;
        try {
            raw = connect();
            return startTls(raw);
        } catch (IOException e) {
            closeQuietly(raw);
            throw new UncheckedIOException(e);
        }
    }

    /** @return the result of {@code GET} on the URI's path, or {@code /} */
    public HttpResult get() {
        return request("GET", path, Map.of(), null);
    }

    /**
     * @param path the request target, e.g. {@code /orders?id=1}
     * @return the response, or a result whose {@link HttpResult#closedWithoutResponse()} is true
     */
    public HttpResult get(String path) {
        return request("GET", path, Map.of(), null);
    }

    /**
     * Sends one request on a new connection and reads the response. {@code Host} and {@code Connection: close}
     * are added unless given, and {@code Content-Length} for a body (0 for a POST, PUT or PATCH without one).
     *
     * @param method the method, e.g. {@code POST}
     * @param path the request target, e.g. {@code /orders}
     * @param headers request headers, in order; may be empty
     * @param body the body, or {@code null} for none
     * @return the response, or a result whose {@link HttpResult#closedWithoutResponse()} is true
     * @throws UncheckedIOException if connecting fails, the server does not answer in time, TLS fails after
     *         the server sent something, or the response is not HTTP
     */
    public HttpResult request(String method, String path, Map<String, String> headers, byte[] body) {
        byte[] request = requestBytes(method, path, headers == null ? Map.of() : headers, body);
        CountingSocket raw = null;
        Socket socket = null;
        try {
            try {
                raw = connect();
            } catch (java.net.SocketException e) {
                // Accepted, then reset before connect() returned: a refusal, not a failure to connect.
                if (!(e instanceof java.net.ConnectException) && e.getMessage() != null
                        && e.getMessage().contains("reset")) {
                    return HttpResult.closed();
                }
                throw e;
            }
            try {
                socket = startTls(raw);
            } catch (IOException e) {
                if (raw.received() == 0 && ended(e)) {
                    return HttpResult.closed();
                }
                throw e;
            }
            RecordingInputStream in = new RecordingInputStream(new BufferedInputStream(socket.getInputStream(), 8192));
            try {
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
                out.write(request);
                out.flush();
            } catch (IOException writeFailed) {
                // The server may have closed at once (a rejected header): read what, if anything, it said.
                if (!ended(writeFailed)) {
                    throw writeFailed;
                }
            }
            return HttpResponseReader.read(in, method.equalsIgnoreCase("HEAD"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly(socket);
            closeQuietly(raw);
        }
    }

    private CountingSocket connect() throws IOException {
        InetAddress target = InetAddress.getByName(host);
        byte[] headerBytes = headerBytes(target);
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        CountingSocket s = new CountingSocket();
        try {
            s.setSoTimeout(millis);
            s.setTcpNoDelay(true);
            if (bind != null) {
                s.bind(new InetSocketAddress(literal(bind), 0));
            }
            s.connect(new InetSocketAddress(target, port), millis);
            if (headerBytes.length > 0) {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(headerBytes);
                    out.flush();
                } catch (IOException e) {
                    if (!ended(e)) {
                        throw e;
                    }
                    // Closed before the header was written: reading then tells closedWithoutResponse.
                }
            }
            return s;
        } catch (IOException | RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
    }

    private Socket startTls(CountingSocket raw) throws IOException {
        if (ssl == null) {
            return raw;
        }
        SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(raw, host, port, true);
        tls.setUseClientMode(true);
        if (verifyHostname) {
            SSLParameters params = tls.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
        }
        tls.startHandshake();
        return tls;
    }

    private byte[] requestBytes(String method, String target, Map<String, String> headers, byte[] body) {
        if (method == null || method.isEmpty() || !method.chars().allMatch(ProxyProtocolClient::tchar)) {
            throw new IllegalArgumentException("not an HTTP method: " + method);
        }
        String t = target == null || target.isEmpty() ? "/" : target;
        if (t.chars().anyMatch(ch -> ch <= ' ' || ch == 0x7F)) {
            throw new IllegalArgumentException("the request target must not contain spaces or controls: " + t);
        }
        Map<String, String> all = new LinkedHashMap<>();
        if (!containsIgnoreCase(headers, "Host")) {
            all.put("Host", hostHeader());
        }
        all.putAll(headers);
        if (!containsIgnoreCase(headers, "Content-Length") && !containsIgnoreCase(headers, "Transfer-Encoding")) {
            if (body != null) {
                all.put("Content-Length", Integer.toString(body.length));
            } else if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
                all.put("Content-Length", "0");
            }
        }
        if (!containsIgnoreCase(headers, "Connection")) {
            all.put("Connection", "close");
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(t).append(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> e : all.entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue();
            if (name.isEmpty() || !name.chars().allMatch(ProxyProtocolClient::tchar)) {
                throw new IllegalArgumentException("not a header name: " + name);
            }
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a header value must not contain CR or LF: " + name);
            }
            sb.append(name).append(": ").append(value).append("\r\n");
        }
        sb.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(sb.length() + (body == null ? 0 : body.length));
        out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    private String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        int defaultPort = ssl != null ? 443 : 80;
        return port == defaultPort ? h : h + ":" + port;
    }

    private static boolean containsIgnoreCase(Map<String, String> headers, String name) {
        return headers.keySet().stream().anyMatch(name::equalsIgnoreCase);
    }

    private static boolean tchar(int c) {
        return c > ' ' && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /**
     * Whether an I/O error means the peer closed or reset the connection (rather than a timeout, or TLS
     * refusing a certificate): those are what a server rejecting a connection produces.
     */
    static boolean ended(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return false;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.EOFException || t instanceof java.net.SocketException) {
                return true;
            }
            if (t instanceof SSLException && t.getMessage() != null
                    && (t.getMessage().contains("terminated the handshake")
                        || t.getMessage().contains("Connection reset")
                        || t.getMessage().contains("Broken pipe"))) {
                return true;
            }
        }
        return false;
    }

    static InetAddress literal(String ip) {
        Objects.requireNonNull(ip, "ip");
        String s = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
        boolean v4 = s.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
        boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+(%[0-9A-Za-z_.-]+)?");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("not an IP literal: " + ip);
        }
        try {
            return InetAddress.getByName(s); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + ip, e);
        }
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
    }

    private ProxyProtocolClient withTlv(Tlv tlv) {
        ProxyProtocolClient c = copy();
        List<Tlv> l = new ArrayList<>(tlvs);
        l.add(tlv);
        c.tlvs = List.copyOf(l);
        return c;
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    static SSLContext trustAllContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a TLS context", e);
        }
    }

    @Override
    public String toString() {
        return "ProxyProtocolClient{" + (ssl != null ? "https" : "http") + "://" + hostHeader() + ", "
                + (mode == HeaderMode.BUILT ? "v" + version + (local ? " local" : " " + sourceAddress.getHostAddress()
                        + ":" + sourcePort) + (tlvs.isEmpty() ? "" : " tlvs=" + tlvs) : mode.name().toLowerCase(Locale.ROOT))
                + "}";
    }

    /** A socket that counts the bytes read from it, through any layer (TLS) on top. */
    private static final class CountingSocket extends Socket {
        private InputStream in;
        private long received;

        long received() {
            return received;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        if (b >= 0) {
                            received++;
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0) {
                            received += n;
                        }
                        return n;
                    }
                };
            }
            return in;
        }
    }

    /** Trusts any certificate, for {@link #tlsTrustAll()}. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Records every byte read, for {@link HttpResult#raw()}. */
    static final class RecordingInputStream extends FilterInputStream {
        private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();

        RecordingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                recorded.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                recorded.write(b, off, n);
            }
            return n;
        }

        byte[] recorded() {
            return recorded.toByteArray();
        }

        int count() {
            return recorded.size();
        }
    }
}

package io.github.proxyproto4j.interop.matrix;

import io.github.proxyproto4j.interop.ExternalTool;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** The client side of the cells: raw sockets bound to a chosen address, curl, and Netty's encoder on a socket. */
final class Clients {
    /** The real client: no server or sender binds it, so seeing it proves the header was applied. */
    static final String CLIENT_IP = "127.0.0.42";

    private Clients() {
    }

    /** A GET with {@code Connection: close} from {@code bindAddress} to {@code host:port}; the whole response. */
    static String get(String bindAddress, String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(bindAddress, 0));
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(15_000);
            return exchange(s, request());
        }
    }

    static byte[] request() {
        return request("app.test");
    }

    static byte[] request(String host) {
        return ("GET /matrix?x=1 HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static String exchange(Socket s, byte[] bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes);
        out.flush();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                response.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // counts as closed
        }
        return response.toString(StandardCharsets.UTF_8);
    }

    /** Runs curl (silent, errors shown, 20 s at most) and returns what it printed, output and errors. */
    static String curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ExternalTool.require("curl", "curl").toString());
        cmd.addAll(List.of("-sS", "--max-time", "20"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The bytes Netty's {@link HAProxyMessageEncoder} writes for a message (which it releases). */
    static byte[] nettyEncode(HAProxyMessage message) {
        EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        try {
            channel.writeOutbound(message);
            ByteBuf buf = channel.readOutbound();
            try {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                return bytes;
            } finally {
                buf.release();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * From 127.0.0.1 (the peer the receivers trust) to the receiver: the header, then a GET, in plaintext or in a
     * TLS session started after the header (trusting any certificate: the receivers' are self-signed).
     */
    static String sendWithHeader(byte[] header, int port, boolean tls) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(15_000);
            s.getOutputStream().write(header);
            s.getOutputStream().flush();
            if (!tls) {
                return exchange(s, request());
            }
            try (SSLSocket ssl = (SSLSocket) trustAll().getSocketFactory().createSocket(s, "localhost", port, true)) {
                ssl.setUseClientMode(true);
                ssl.startHandshake();
                // The name in the certificate: Jetty refuses a Host that the certificate does not name (400 Invalid
                // SNI, SecureRequestCustomizer's SNI host check); Tomcat does not look.
                return exchange(ssl, request("localhost"));
            }
        }
    }

    static SSLContext trustAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
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
        }}, new SecureRandom());
        return context;
    }
}

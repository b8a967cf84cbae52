package io.github.proxyproto4j.tomcat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS client behind a load balancer: its socket binds the balancer's address (or a stranger's), sends the
 * PROXY header in front of the ClientHello (see {@link HeaderFirstSocket}), and then speaks HTTP/1.1 over the app's
 * own TLS.
 */
final class TlsClient implements AutoCloseable {
    private final HeaderFirstSocket plain;
    private final SSLSocket tls;

    TlsClient(String bindAddress, int port, SSLContext context, byte[] header, int... cuts) throws IOException {
        plain = new HeaderFirstSocket(header, cuts);
        plain.bind(new InetSocketAddress(bindAddress, 0));
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        plain.setSoTimeout(10_000);
        plain.setTcpNoDelay(true);
        tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true);
    }

    TlsClient(int port, byte[] header, int... cuts) throws Exception {
        this(RawClient.BALANCER_IP, port, TestTls.clientContext(), header, cuts);
    }

    SSLSocket socket() {
        return tls;
    }

    TlsClient handshake() throws IOException {
        tls.startHandshake();
        return this;
    }

    /** @return what the first write sent: the header followed by the ClientHello */
    byte[] firstWrite() {
        return plain.firstWrite();
    }

    TlsClient write(String ascii) throws IOException {
        OutputStream out = tls.getOutputStream();
        out.write(ascii.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Reads one HTTP/1.1 response with a Content-Length body, leaving the connection open. */
    String readResponse() throws IOException {
        return RawClient.readResponse(tls.getInputStream());
    }

    /** Reads until EOF, reset or a TLS error: everything the server sent. */
    String readAll() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = tls.getInputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SSLException | SocketException closed) {
            // closed after the response, maybe without close_notify: what arrived counts
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        try {
            tls.close();
        } finally {
            plain.close();
        }
    }
}

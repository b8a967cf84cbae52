package io.github.proxyproto4j.jetty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A socket writing raw bytes, as a load balancer would. It binds the balancer's address (127.0.0.1) or a
 * stranger's (127.0.0.66); the client the header speaks for is 127.0.0.42, an address no socket in these
 * tests uses, so {@code remote=127.0.0.42} cannot appear unless the header was applied.
 */
final class RawClient implements AutoCloseable {
    static final String CLIENT_IP = "127.0.0.42";
    static final String BALANCER_IP = "127.0.0.1";
    static final String STRANGER_IP = "127.0.0.66";

    private final Socket socket = new Socket();

    RawClient(String bindAddress, int serverPort) throws IOException {
        socket.bind(new InetSocketAddress(bindAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", serverPort), 5000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
    }

    RawClient(int serverPort) throws IOException {
        this(BALANCER_IP, serverPort);
    }

    /** @return the socket's input, for tests that speak another protocol after the header */
    InputStream input() throws IOException {
        return socket.getInputStream();
    }

    int localPort() {
        return socket.getLocalPort();
    }

    RawClient write(byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        return this;
    }

    RawClient write(String ascii) throws IOException {
        return write(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes each byte in its own segment, with a pause so that the server reads them apart. */
    RawClient trickle(byte[] bytes, long pauseMillis) throws IOException, InterruptedException {
        for (byte b : bytes) {
            write(new byte[] {b});
            Thread.sleep(pauseMillis);
        }
        return this;
    }

    /** Reads until EOF (or reset): everything the server sent. */
    byte[] readAll() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // a reset counts as a close; whatever arrived before it is returned
        }
        return all.toByteArray();
    }

    String readAllText() throws IOException {
        return new String(readAll(), StandardCharsets.UTF_8);
    }

    /** Reads one HTTP/1.1 response with a Content-Length body, leaving the connection open. */
    String readResponse() throws IOException {
        return readResponse(socket.getInputStream());
    }

    /** Reads one HTTP/1.1 response with a Content-Length body from {@code in}, leaving it open. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("EOF in response head: " + head);
            }
            head.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return h + new String(body, StandardCharsets.UTF_8);
    }

    /** @return whether the server closed: EOF or reset within the socket timeout */
    boolean closedByServer() throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** @return whether the server closed (EOF or reset, no byte) within {@code millis}; the socket timeout is restored */
    boolean closedByServerWithin(int millis) throws IOException {
        int before = socket.getSoTimeout();
        socket.setSoTimeout(millis);
        try {
            return closedByServer();
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(before);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

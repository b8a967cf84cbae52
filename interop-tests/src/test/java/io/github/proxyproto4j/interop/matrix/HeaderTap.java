package io.github.proxyproto4j.interop.matrix;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in application on 127.0.0.1 that records the PROXY header of each connection, byte for byte, and answers
 * {@code 200} with no body: what a sender puts on the wire, before any decoder looks at it.
 */
final class HeaderTap implements AutoCloseable {
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private final ServerSocket server;
    private final BlockingQueue<byte[]> headers = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    HeaderTap() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(this::acceptLoop, "header-tap");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** @return the next connection's header, waiting up to {@code seconds} */
    byte[] next(int seconds) throws InterruptedException {
        byte[] h = headers.poll(seconds, TimeUnit.SECONDS);
        if (h == null) {
            throw new AssertionError("no connection reached the tap within " + seconds + " s");
        }
        return h;
    }

    private void acceptLoop() {
        while (!closed) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(5000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                headers.add(readHeader(in));
                drainRequestHead(in);
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private static byte[] readHeader(DataInputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int first = in.read();
        if (first < 0) {
            return new byte[0];
        }
        out.write(first);
        if (first == 'P') { // v1: up to CRLF
            for (int b; (b = in.read()) >= 0; ) {
                out.write(b);
                if (b == '\n') {
                    break;
                }
            }
            return out.toByteArray();
        }
        byte[] rest = new byte[15];
        in.readFully(rest);
        out.write(rest);
        byte[] fixed = out.toByteArray();
        for (int i = 0; i < V2_SIGNATURE.length; i++) {
            if (fixed[i] != V2_SIGNATURE[i]) {
                return fixed; // not a header: what came instead
            }
        }
        byte[] body = new byte[((fixed[14] & 0xFF) << 8) | (fixed[15] & 0xFF)];
        in.readFully(body);
        out.write(body);
        return out.toByteArray();
    }

    /** Reads up to the end of the request head, so the answer is not sent into a request still being written. */
    private static void drainRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b; matched < 4 && (b = in.read()) >= 0; ) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}

package io.github.proxyproto4j.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A tiny server for the tests: per connection it reads a PROXY header of a known length, optionally does a TLS
 * handshake, reads one HTTP request, records all of it, and answers with canned bytes, or closes, or resets.
 */
final class TestServer implements AutoCloseable {
    enum Action {
        /** Write the canned response, then close. */
        RESPOND,
        /** Read the header and close without a byte (what a strict PROXY port does with a bad header). */
        CLOSE_AFTER_HEADER,
        /** Close at accept, reading nothing. */
        CLOSE_AT_ACCEPT,
        /** Reset (RST) after reading the header. */
        RESET_AFTER_HEADER,
        /** Read the request and never answer. */
        SILENT
    }

    /** What one connection brought. */
    record Received(InetAddress peer, byte[] header, String requestHead, byte[] body) {
        String requestLine() {
            return requestHead.substring(0, requestHead.indexOf("\r\n"));
        }

        String header(String name) {
            for (String line : requestHead.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private final ServerSocket server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-server");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    private volatile int headerLength;
    private final Action action;
    private final byte[] response;
    private final SSLContext tls;

    TestServer(int headerLength, Action action, String response, SSLContext tls) throws IOException {
        this.headerLength = headerLength;
        this.action = action;
        this.response = response == null ? new byte[0] : response.getBytes(StandardCharsets.UTF_8);
        this.tls = tls;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        executor.execute(this::acceptLoop);
    }

    static TestServer responding(int headerLength, String response) throws IOException {
        return new TestServer(headerLength, Action.RESPOND, response, null);
    }

    static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nX-Test: yes\r\n\r\n" + body;
    }

    /** @param length the length of the PROXY header to read before the request, e.g. once the port is known */
    TestServer expectHeader(int length) {
        this.headerLength = length;
        return this;
    }

    /**
     * A port nobody listens on, and nobody else can take while the socket is open: connecting to it is refused.
     * (A port from a closed server could be reused by another process at once.)
     */
    static Socket boundNotListening() throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s;
    }

    int port() {
        return server.getLocalPort();
    }

    Received take() throws InterruptedException {
        Received r = received.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("the server received nothing; failures: " + failures);
        }
        return r;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                try {
                    executor.execute(() -> handle(s));
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    s.close();
                    return;
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void handle(Socket raw) {
        Socket s = raw;
        try {
            if (action == Action.CLOSE_AT_ACCEPT) {
                raw.close();
                return;
            }
            raw.setSoTimeout(10_000);
            InetAddress peer = raw.getInetAddress();
            byte[] header = raw.getInputStream().readNBytes(headerLength);
            if (action == Action.CLOSE_AFTER_HEADER) {
                received.add(new Received(peer, header, "", new byte[0]));
                raw.close();
                return;
            }
            if (action == Action.RESET_AFTER_HEADER) {
                received.add(new Received(peer, header, "", new byte[0]));
                raw.setSoLinger(true, 0);
                raw.close();
                return;
            }
            if (tls != null) {
                SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
                t.setUseClientMode(false);
                t.startHandshake();
                s = t;
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    break;
                }
            }
            String requestHead = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : requestHead.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            received.add(new Received(peer, header, requestHead, body));
            if (action == Action.SILENT) {
                in.read(); // until the client gives up
                return;
            }
            OutputStream out = s.getOutputStream();
            out.write(response);
            out.flush();
        } catch (Throwable e) {
            failures.add(e);
        } finally {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        executor.shutdownNow();
    }
}

package io.github.proxyproto4j.testsupport;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import io.github.proxyproto4j.core.AddressFamily;
import io.github.proxyproto4j.core.Command;
import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.core.ProxyProtocolException;
import io.github.proxyproto4j.core.Reason;
import io.github.proxyproto4j.core.TransportProtocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends one fuzzer-made byte stream to a running adapter over a loopback socket, cut into segments where the input
 * says, and checks what came back against {@code ProxyHeaderDecoder} run on the same bytes.
 *
 * <h2>Input layout</h2>
 * <pre>
 * offset  size  meaning
 *  0      1     the payload after the fuzzer's bytes: byte % 3 = 0 a GET, 1 a POST with a 64-byte body,
 *               2 a GET and a pipelined POST (see {@link #PAYLOADS}); every one ends with Connection: close
 *  1      1     number of cuts n = byte &amp; 7: the stream goes out in n + 1 write() calls (TCP_NODELAY)
 *  2      7     the sizes of the first n writes (0..255 each; cut short when the stream runs out)
 *  9      1     bit i set: pause 1 ms after write i, so that it arrives as a segment of its own
 * 10      ...   the fuzzer's bytes (a PROXY header, or not), sent before the payload
 * </pre>
 * An input shorter than the control block is read as if padded with zeros.
 *
 * <h2>The only outcomes allowed</h2>
 * <ul>
 * <li>The decoder refuses the stream with a {@link Reason}: zero response bytes, a close, and exactly that reason
 * counted once. A stream the decoder finds incomplete is half-closed by the client: then {@code NO_HEADER}.</li>
 * <li>The decoder returns a header and the rest of the stream is exactly the payload: every request answered 200
 * by the adapter tests' digest handler (Jetty) or servlet (Tomcat), with the client address the header claims (the socket's own for LOCAL, UNKNOWN,
 * UNSPEC, UNIX and DGRAM), its destination as the local address, and each body's SHA-256; nothing else.</li>
 * <li>The decoder returns a header but the rest is not exactly the payload (the header took some of it, or the
 * fuzzer's bytes ran past the header): the client half-closes, and the server may answer with its own 4xx or close;
 * any answer from the handler still carries exactly the header's addresses, and no server error (a 5xx other than
 * 501 and 505, which are the HTTP layer's answers to a bad method or version) ever comes back.</li>
 * </ul>
 * In every case the header's outcome is counted once, no stack trace is logged, and the adapter's own
 * {@link AfterEach} check passes (for Jetty: once the connection is closed, no pooled buffer is still out).
 */
public final class SocketFuzzHarness {
    public static final int CONTROL = 10;
    /** The only peer the connector trusts: the client socket binds it (a load balancer's place). */
    public static final String PEER_IP = "127.0.0.42";
    private static final int HANG_GUARD_MILLIS = 30_000;
    /** A 5xx other than the HTTP layer's own 501 (method) and 505 (version) for bytes that are not a request. */
    private static final Pattern SERVER_ERROR = Pattern.compile("(HTTP/1\\.1|HTTP Status) 5(?!01|05)\\d\\d");

    /** What follows the fuzzer's bytes, and what the handler must see of each of its requests. */
    public record Payload(String name, byte[] bytes, List<String> paths, List<byte[]> bodies) {
    }

    public static final List<Payload> PAYLOADS;

    static {
        byte[] body = new byte[64];
        new Random(64).nextBytes(body);
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        PAYLOADS = List.of(
                new Payload("get", ascii("GET /d/get HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n"),
                        List.of("/d/get"), List.of(new byte[0])),
                new Payload("post", concat(ascii("POST /d/post HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 64\r\n"
                        + "Connection: close\r\n\r\n"), body), List.of("/d/post"), List.of(body)),
                new Payload("pipelined", concat(ascii("GET /d/one HTTP/1.1\r\nHost: fuzz\r\n\r\n"
                        + "POST /d/two HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"),
                        hello), List.of("/d/one", "/d/two"), List.of(new byte[0], hello)));
    }

    /** A check of the server's state once an input's connection is over, e.g. that no buffer leaked. */
    @FunctionalInterface
    public interface AfterEach {
        void check() throws Exception;
    }

    private final int port;
    private final ProxyProtocolConfig config;
    private final ProxyProtocolCounters counters;
    private final AfterEach afterEach;

    public SocketFuzzHarness(int port, ProxyProtocolConfig config, ProxyProtocolCounters counters, AfterEach afterEach) {
        this.port = port;
        this.config = config;
        this.counters = counters;
        this.afterEach = afterEach;
        StackTraceWatch.install();
    }

    /** What the decoder says of the stream; {@code reason} null means a header was found. */
    private record Oracle(Reason reason, ProxyHeader header, boolean restIsThePayload) {
        boolean halfClose() {
            return reason == Reason.NO_HEADER || reason == null && !restIsThePayload;
        }
    }

    private Oracle oracle(byte[] wire, int payloadStart) {
        ByteBuffer in = ByteBuffer.wrap(wire);
        try {
            ProxyHeader header = config.newDecoder().decode(in);
            if (header == null) {
                return new Oracle(Reason.NO_HEADER, null, false); // everything sent is header: the client's EOF ends it
            }
            return new Oracle(null, header, in.position() == payloadStart);
        } catch (ProxyProtocolException e) {
            return new Oracle(e.reason(), null, false);
        }
    }

    /** The policy's rule: only PROXY with INET or INET6 over STREAM carries a client to apply. */
    private static boolean carriesClient(ProxyHeader h) {
        return h.command() == Command.PROXY && (h.family() == AddressFamily.INET || h.family() == AddressFamily.INET6)
                && h.transport() == TransportProtocol.STREAM && h.sourceAddress() instanceof InetSocketAddress;
    }

    public void run(byte[] input) throws Exception {
        byte[] control = Arrays.copyOf(input, CONTROL);
        byte[] fuzzed = input.length > CONTROL ? Arrays.copyOfRange(input, CONTROL, input.length) : new byte[0];
        Payload payload = PAYLOADS.get((control[0] & 0xFF) % PAYLOADS.size());
        byte[] wire = concat(fuzzed, payload.bytes());
        Oracle oracle = oracle(wire, fuzzed.length);

        List<String> before = StackTraceWatch.drain();
        if (!before.isEmpty()) {
            throw fail("stack traces logged (after an earlier input)", before.toString(), wire, null);
        }
        long accepted = counters.getAccepted();
        long local = counters.getLocal();
        long rejected = counters.getRejected();
        long byReason = oracle.reason == null ? 0 : counters.rejected(oracle.reason);

        byte[] response;
        InetSocketAddress self;
        InetSocketAddress server;
        IOException writeFailure;
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(PEER_IP, 0));
            try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections(
                    (host, p) -> ("127.0.0.1".equals(host) || "localhost".equals(host)) && p == port)) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            }
            s.setTcpNoDelay(true);
            s.setSoTimeout(HANG_GUARD_MILLIS);
            self = (InetSocketAddress) s.getLocalSocketAddress();
            server = (InetSocketAddress) s.getRemoteSocketAddress();
            writeFailure = send(s.getOutputStream(), wire, control);
            if (oracle.halfClose() && writeFailure == null) {
                s.shutdownOutput();
            }
            response = readAll(s.getInputStream());
        }

        String text = new String(response, StandardCharsets.ISO_8859_1);
        if (oracle.reason != null) {
            if (response.length != 0) {
                throw fail("refused (" + oracle.reason + ") but answered", text, wire, null);
            }
            awaitCounted(accepted + local + rejected + 1);
            if (counters.rejected(oracle.reason) != byReason + 1 || counters.getRejected() != rejected + 1) {
                throw fail("expected one rejection for " + oracle.reason, counters.toString(), wire, null);
            }
        } else {
            ProxyHeader h = oracle.header;
            boolean applied = carriesClient(h);
            InetSocketAddress remote = applied ? (InetSocketAddress) h.sourceAddress() : self;
            InetSocketAddress localAddress = applied && config.localAddressFromHeader()
                    && h.destinationAddress() instanceof InetSocketAddress d ? d : server;
            if (oracle.restIsThePayload) {
                if (writeFailure != null) {
                    throw fail("the server closed before the whole request was sent", text, wire, writeFailure);
                }
                checkServed(text, payload, remote, localAddress, wire);
            } else {
                checkLenient(text, remote, localAddress, wire);
            }
            awaitCounted(accepted + local + rejected + 1);
            if (counters.getRejected() != rejected
                    || (applied ? counters.getAccepted() != accepted + 1 : counters.getLocal() != local + 1)) {
                throw fail("the header " + h + " was counted wrong (applied=" + applied + ")", counters.toString(),
                        wire, null);
            }
        }
        List<String> traces = StackTraceWatch.drain();
        if (!traces.isEmpty()) {
            throw fail("stack traces logged", traces.toString(), wire, null);
        }
        try {
            afterEach.check();
        } catch (Exception | AssertionError e) {
            throw fail("after the connection: " + e.getMessage(), text, wire, e);
        }
    }

    /** Writes the stream in the segments the control block asks for; returns the first write failure, if any. */
    private static IOException send(OutputStream out, byte[] wire, byte[] control) throws InterruptedException {
        int cuts = control[1] & 7;
        int at = 0;
        try {
            for (int i = 0; i <= cuts; i++) {
                int end = i == cuts ? wire.length : Math.min(wire.length, at + (control[2 + i] & 0xFF));
                out.write(wire, at, end - at);
                out.flush();
                at = end;
                if ((control[9] >> i & 1) != 0 && i < cuts) {
                    Thread.sleep(1);
                }
            }
            return null;
        } catch (IOException e) {
            return e; // the server closed first: fine when it refused the stream
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new IOException("no close within " + HANG_GUARD_MILLIS + " ms (hang guard); got: "
                    + all.toString(StandardCharsets.ISO_8859_1), e);
        } catch (SocketException reset) {
            // a reset counts as a close; what arrived before it is returned
        }
        return all.toByteArray();
    }

    private void awaitCounted(long total) throws InterruptedException {
        for (int i = 0; i < 2000; i++) {
            if (counters.getAccepted() + counters.getLocal() + counters.getRejected() >= total) {
                return;
            }
            Thread.sleep(5);
        }
    }

    /** Exactly one 200 per request of the payload, each with the expected addresses, path and body hash. */
    private static void checkServed(String text, Payload payload, InetSocketAddress remote, InetSocketAddress local,
            byte[] wire) throws Exception {
        int at = 0;
        for (int i = 0; i < payload.paths().size(); i++) {
            int headEnd = text.indexOf("\r\n\r\n", at);
            if (headEnd < 0 || !text.startsWith("HTTP/1.1 200 ", at)) {
                throw fail("response " + (i + 1) + " of " + payload.paths().size() + " is not a 200", text, wire, null);
            }
            String head = text.substring(at, headEnd);
            Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$").matcher(head);
            if (!length.find()) {
                throw fail("response " + (i + 1) + " has no Content-Length", text, wire, null);
            }
            int bodyStart = headEnd + 4;
            int bodyEnd = bodyStart + Integer.parseInt(length.group(1));
            if (bodyEnd > text.length()) {
                throw fail("response " + (i + 1) + " is cut short", text, wire, null);
            }
            Map<String, String> d = Digest.parse(text.substring(bodyStart, bodyEnd));
            byte[] body = payload.bodies().get(i);
            if (!remote.equals(addressOf(d.get("remote"), text, wire)) || !local.equals(addressOf(d.get("local"), text,
                    wire)) || !payload.paths().get(i).equals(d.get("path"))
                    || !String.valueOf(body.length).equals(d.get("length")) || !Digest.sha256(body).equals(d.get("sha256"))) {
                throw fail("response " + (i + 1) + " should show remote " + remote + ", local " + local + ", path "
                        + payload.paths().get(i) + ", " + body.length + " body bytes", text, wire, null);
            }
            at = bodyEnd;
        }
        if (at != text.length()) {
            throw fail("bytes after the last response", text, wire, null);
        }
    }

    /**
     * The HTTP layer's own 4xx (or 501, 505), or handler answers with the header's addresses; never a server error. A
     * request line without a version is HTTP/0.9 to Tomcat, which answers it without a status line: only a body.
     */
    private static void checkLenient(String text, InetSocketAddress remote, InetSocketAddress local, byte[] wire)
            throws Exception {
        if (text.isEmpty()) {
            return; // the HTTP layer closed on the client's EOF without a complete request
        }
        if (SERVER_ERROR.matcher(text).find()) {
            throw fail("a server error", text, wire, null);
        }
        List<Integer> digests = new ArrayList<>();
        if (text.startsWith("remote=")) {
            digests.add(0); // an HTTP/0.9 answer from the handler
        } else if (!text.startsWith("HTTP/1.1 ") && !text.startsWith("<!doctype html>")) {
            throw fail("neither an HTTP/1.1 answer nor an HTTP/0.9 one", text, wire, null);
        }
        for (int at = text.indexOf("\r\n\r\nremote="); at >= 0; at = text.indexOf("\r\n\r\nremote=", at + 1)) {
            digests.add(at + 4);
        }
        for (int at : digests) {
            Map<String, String> d = Digest.parse(text.substring(at));
            if (!remote.equals(addressOf(d.get("remote"), text, wire))
                    || !local.equals(addressOf(d.get("local"), text, wire))) {
                throw fail("an answer shows other addresses than " + remote + " and " + local, text, wire, null);
            }
        }
    }

    private static InetSocketAddress addressOf(String echoed, String text, byte[] wire) {
        try {
            return Digest.address(echoed);
        } catch (IOException | RuntimeException e) {
            throw fail("unreadable address " + echoed, text, wire, e);
        }
    }

    private static AssertionError fail(String what, String got, byte[] wire, Throwable cause) {
        return new AssertionError(what + "\n--- got:\n" + got + "\n--- wire bytes: " + HexFormat.of().formatHex(wire),
                cause);
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

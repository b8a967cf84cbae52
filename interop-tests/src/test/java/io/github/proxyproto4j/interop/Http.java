package io.github.proxyproto4j.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A client socket bound to a chosen loopback address, so the address the server should report is known. */
final class Http {
    /** The real client. No server or proxy in these tests binds it, so seeing it proves the header was applied. */
    static final String CLIENT_IP = "127.0.0.42";

    private Http() {
    }

    /** Sends raw bytes from {@code bindAddress} and returns everything the server sent back before closing. */
    static byte[] exchange(String bindAddress, int port, byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(bindAddress, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(15_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                }
            } catch (SocketException reset) {
                // counts as closed
            }
            return out.toByteArray();
        }
    }

    /** A GET with {@code Connection: close} from {@code bindAddress}. */
    static String get(String bindAddress, int port) throws IOException {
        byte[] request = "GET /interop?x=1 HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        return new String(exchange(bindAddress, port, request), StandardCharsets.UTF_8);
    }

    /** Runs curl and returns its standard output. */
    static String curl(List<String> args) throws IOException, InterruptedException {
        java.nio.file.Path curl = ExternalTool.require("curl", "curl");
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(curl.toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        return new String(out, StandardCharsets.UTF_8);
    }
}

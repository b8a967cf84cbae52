package io.github.proxyproto4j.interop.hardening;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * One connection with raw bytes: connect from a given loopback address, write, optionally close the writing
 * side, and read until the server closes. Tells exactly how many bytes the server answered with.
 */
final class RawExchange {
    /** Long enough for any receiver on a busy machine; a server that neither answers nor closes fails. */
    private static final int TIMEOUT_MILLIS = 20_000;

    private RawExchange() {
    }

    /**
     * What came back.
     *
     * @param response every byte the server sent
     */
    record Result(byte[] response) {
        int responseBytes() {
            return response.length;
        }

        String text() {
            return new String(response, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * @param bind the client's address, e.g. 127.0.0.42
     * @param host the server's address
     * @param port the server's port
     * @param bytes what to send
     * @param halfClose whether to shut the writing side down after sending
     * @return the server's bytes until it closed (or reset) the connection
     * @throws IOException if the connection cannot be made, or the server keeps it open past the timeout
     */
    static Result send(String bind, String host, int port, byte[] bytes, boolean halfClose) throws IOException {
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.setSoTimeout(TIMEOUT_MILLIS);
            s.bind(new InetSocketAddress(literal(bind), 0));
            s.connect(new InetSocketAddress(literal(host), port), TIMEOUT_MILLIS);
            try {
                if (bytes.length > 0) {
                    s.getOutputStream().write(bytes);
                    s.getOutputStream().flush();
                }
                if (halfClose) {
                    s.shutdownOutput();
                }
            } catch (SocketException closedEarly) {
                // The server closed (or reset) before taking every byte: what it sent, if anything, is read below.
            }
            return new Result(readToEnd(s.getInputStream()));
        }
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("the server neither closed nor finished within " + TIMEOUT_MILLIS + " ms after "
                    + out.size() + " bytes", e);
        } catch (SocketException reset) {
            // A reset ends the connection as a close does: the bytes read so far are the answer.
        }
        return out.toByteArray();
    }

    /** Parses an IP literal without a lookup. */
    static InetAddress literal(String ip) {
        if (!ip.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP literal: " + ip);
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }
}

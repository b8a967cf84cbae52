package io.github.proxyproto4j.jetty;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A plain socket for a TLS client layered on top ({@code SSLSocketFactory.createSocket(socket, ...)}): the first
 * write the TLS layer makes, its ClientHello, goes out with the PROXY header in front of it, in a single
 * {@code write()} call (so in one TCP segment on loopback), or cut in two writes at a chosen offset with a pause.
 */
final class HeaderFirstSocket extends Socket {
    private final byte[] header;
    private final int cut;
    private OutputStream out;
    private volatile byte[] firstWrite;

    /**
     * @param header the PROXY header
     * @param cut where to cut the header plus the ClientHello into two writes, or 0 for a single write
     */
    HeaderFirstSocket(byte[] header, int cut) {
        this.header = header.clone();
        this.cut = cut;
    }

    /** @return what the first write sent: the header followed by the TLS layer's first bytes */
    byte[] firstWrite() {
        return firstWrite;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (out == null) {
            OutputStream raw = super.getOutputStream();
            out = new OutputStream() {
                private boolean first = true;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (!first) {
                        raw.write(b, off, len);
                        return;
                    }
                    first = false;
                    byte[] all = new byte[header.length + len];
                    System.arraycopy(header, 0, all, 0, header.length);
                    System.arraycopy(b, off, all, header.length, len);
                    firstWrite = all;
                    if (cut <= 0 || cut >= all.length) {
                        raw.write(all); // one write() call: header and ClientHello in the same segment
                        return;
                    }
                    raw.write(all, 0, cut);
                    raw.flush();
                    try {
                        Thread.sleep(20); // so that the server most likely reads the two parts apart
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    raw.write(all, cut, all.length - cut);
                }

                @Override
                public void flush() throws IOException {
                    raw.flush();
                }

                @Override
                public void close() throws IOException {
                    raw.close();
                }
            };
        }
        return out;
    }
}

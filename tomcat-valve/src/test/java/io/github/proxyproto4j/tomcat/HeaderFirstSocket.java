package io.github.proxyproto4j.tomcat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;

/**
 * A plain socket for a TLS client layered on top ({@code SSLSocketFactory.createSocket(socket, ...)}): the TLS
 * layer's first write, its ClientHello, goes out with the PROXY header in front of it, in a single {@code write()}
 * (so in one TCP segment on loopback), or cut at the given offsets into several writes with a pause between them.
 */
final class HeaderFirstSocket extends Socket {
    private final byte[] header;
    private final int[] cuts;
    private OutputStream out;
    private volatile byte[] firstWrite;

    /**
     * @param header the PROXY header, possibly empty (a client that sends none)
     * @param cuts increasing offsets into the header plus the ClientHello where a new write starts; none: one write
     */
    HeaderFirstSocket(byte[] header, int... cuts) {
        this.header = header.clone();
        this.cuts = cuts.clone();
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
                    byte[] all = Wire.concat(header, Arrays.copyOfRange(b, off, off + len));
                    firstWrite = all;
                    int from = 0;
                    for (int cut : cuts) {
                        if (cut <= from || cut >= all.length) {
                            continue;
                        }
                        raw.write(all, from, cut - from);
                        raw.flush();
                        pause();
                        from = cut;
                    }
                    raw.write(all, from, all.length - from);
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

    private static void pause() {
        try {
            Thread.sleep(20); // so that the server most likely reads the parts apart
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.github.proxyproto4j.tomcat;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/** A channel that reads the PROXY header before anything else: plaintext, or before the TLS handshake. */
interface HeaderFirstChannel {
    /** {@link #headerStep()}: the outcome is decided and the connection goes on. */
    int DONE = 0;
    /** {@link #headerStep()}: more bytes are needed; register read interest. */
    int NEED_READ = SelectionKey.OP_READ;
    /** {@link #headerStep()}: refused; close without writing. */
    int REFUSED = -1;

    /**
     * Starts the handshake the endpoint opened at accept.
     *
     * @param handshake the connection's handshake
     */
    void start(io.github.proxyproto4j.core.ConnectionHandshake handshake);

    /** @return whether the header's outcome is decided and the connection goes on */
    boolean headerComplete();

    /**
     * Reads what is there, without blocking, and advances the header handshake.
     *
     * @return {@link #DONE}, {@link #NEED_READ} or {@link #REFUSED}
     * @throws IOException if the socket fails
     */
    int headerStep() throws IOException;

    /**
     * The connection ends before the outcome: the header timeout (Tomcat's read timeout from accept) or an error.
     *
     * @param error the socket wrapper's error, if any
     */
    void abort(IOException error);
}

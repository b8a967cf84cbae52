package io.github.proxyproto4j.interop.matrix;

/**
 * One cell of the matrix: a sender set up one way, sending one PROXY version over one transport, to one receiver.
 *
 * @param number its row in docs/interop.md
 * @param cell the sender, transport, version and what is checked
 * @param receiver the application
 */
record MatrixCase(int number, Matrix.Cell cell, Receiver receiver) {

    /** The receiver instance it needs: the same application with or without TLS on its PROXY port. */
    String receiverInstance() {
        return receiver.name() + (cell.transport().appPort().tls() ? " +TLS" : "");
    }

    @Override
    public String toString() {
        return String.format("#%02d %s · %s · %s → %s", number, cell.sender(), cell.header(), cell.transport(),
                receiver.name());
    }
}

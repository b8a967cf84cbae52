package io.github.proxyproto4j.interop.matrix;

/** What a cell's action gets: its case, the running sender (none for the libraries) and receiver. */
record Ctx(MatrixCase c, SenderProcess sender, int appPort, Workspace workspace, JettyClients jetty) {

    /** @return where the client connects: the sender's port, or the application's for the library senders */
    int port() {
        return sender != null ? sender.port() : appPort;
    }

    String url(String scheme, String host) {
        return scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port() + "/matrix?x=1";
    }

    Echo.Expect expect(String response) {
        return new Echo.Expect(c, response);
    }
}

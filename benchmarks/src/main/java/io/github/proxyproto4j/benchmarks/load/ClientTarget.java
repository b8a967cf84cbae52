package io.github.proxyproto4j.benchmarks.load;

import java.net.InetSocketAddress;

/**
 * Where and what the client sends: the server's port, the local address it connects from, and the bytes of a
 * fresh connection (PROXY header, if any, then the request) and of a following keep-alive request.
 *
 * @param server the server's port
 * @param bindAddress the client's address (port 0: any)
 * @param first what a new connection sends
 * @param next what a keep-alive connection sends for each following request
 * @param expectedBody the response body every port answers with: the remote address the server sees
 */
record ClientTarget(InetSocketAddress server, InetSocketAddress bindAddress, byte[] first, byte[] next,
        String expectedBody) {
}

package io.github.proxyproto4j.benchmarks.load;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * Main class of the forked server JVM: {@code LoadServer jetty|tomcat}. Starts the server on 127.0.0.1 with all
 * its ports, prints {@code port <name> <number>} per port and then {@code ready}, and runs until its standard
 * input closes (the harness closing the pipe, or dying), so a server is never left behind.
 *
 * <p>Every port answers every request with {@code 200} and the request's remote address as the body: the
 * harness checks it to know the PROXY header was applied (the header's client) or not (the socket's peer).
 */
public final class LoadServer {
    /** The peers the PROXY ports trust: the harness connects from 127.0.0.0/8. */
    static final String TRUSTED_PROXIES = "127.0.0.0/8";

    private LoadServer() {
    }

    /**
     * @param args {@code jetty} or {@code tomcat}, then for Jetty {@code blocking} or {@code non-blocking} (the
     *        handler's invocation type, see {@link JettyHandler})
     * @throws Exception if the server cannot start
     */
    public static void main(String... args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: LoadServer jetty|tomcat [blocking|non-blocking]");
            System.exit(2);
        }
        ProxyProtocolConfig config = ProxyProtocolConfig.builder().trustedProxies(TRUSTED_PROXIES).build();
        AutoCloseable server;
        Map<Port, Integer> ports;
        if (ServerKind.of(args[0]) == ServerKind.JETTY) {
            JettyLoadServer jetty = JettyLoadServer.start(config,
                    args.length > 1 ? JettyHandler.of(args[1]) : JettyHandler.BLOCKING);
            server = jetty;
            ports = jetty.ports();
        } else {
            TomcatLoadServer tomcat = TomcatLoadServer.start(config);
            server = tomcat;
            ports = tomcat.ports();
        }
        PrintStream out = System.out;
        ports.forEach((port, number) -> out.println("port " + port.id() + " " + number));
        out.println("ready");
        out.flush();
        awaitEof(System.in);
        server.close();
        System.exit(0);
    }

    private static void awaitEof(InputStream in) {
        try {
            byte[] sink = new byte[64];
            while (in.read(sink) >= 0) {
                // nothing is sent on purpose; wait for the end of the stream
            }
        } catch (java.io.IOException e) {
            // the pipe broke: the harness is gone, so stop as well
        }
    }
}

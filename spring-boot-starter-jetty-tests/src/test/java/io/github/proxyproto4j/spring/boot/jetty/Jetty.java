package io.github.proxyproto4j.spring.boot.jetty;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.proxyproto4j.test.ProxyProtocolClient;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;

/** Helpers shared by the tests: the Jetty behind Boot, and the clients. */
final class Jetty {
    /** What the sockets bind: the trusted proxy (proxy-protocol.trusted-proxies=127.0.0.1/32). */
    static final String PROXY_IP = "127.0.0.1";
    /** What the headers claim: a client seen by the application proves the header was applied. */
    static final String CLIENT_IP = "203.0.113.7";
    static final int CLIENT_PORT = 40000;
    /** The starter's name for its extra connector. */
    static final String EXTRA_CONNECTOR = "proxy-protocol";

    private Jetty() {
    }

    static Server server(WebServer webServer) {
        return assertInstanceOf(JettyWebServer.class, webServer, "Boot runs Jetty here").getServer();
    }

    /** The connector Boot made for server.port. */
    static ServerConnector mainConnector(WebServer webServer) {
        List<ServerConnector> main = new ArrayList<>();
        for (Connector c : server(webServer).getConnectors()) {
            if (!EXTRA_CONNECTOR.equals(c.getName())) {
                main.add(assertInstanceOf(ServerConnector.class, c));
            }
        }
        assertTrue(main.size() == 1, "one connector for server.port: " + main);
        return main.get(0);
    }

    /** The starter's extra connector for proxy-protocol.port. */
    static ServerConnector extraConnector(WebServer webServer) {
        for (Connector c : server(webServer).getConnectors()) {
            if (EXTRA_CONNECTOR.equals(c.getName())) {
                return assertInstanceOf(ServerConnector.class, c);
            }
        }
        return fail("no connector named " + EXTRA_CONNECTOR);
    }

    /** A test-kit client from the trusted proxy's address whose header claims {@link #CLIENT_IP}. */
    static ProxyProtocolClient client(int port) {
        return ProxyProtocolClient.to(PROXY_IP, port).bind(PROXY_IP).source(CLIENT_IP, CLIENT_PORT);
    }

    /** Jetty's HTTP/2 client from the trusted proxy's address: h2 over TLS by ALPN, or h2c by prior knowledge. */
    static HttpClient h2Client(boolean tls) throws Exception {
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.setBindAddress(new InetSocketAddress(PROXY_IP, 0));
        if (tls) {
            client.setSslContextFactory(new SslContextFactory.Client(true));
        }
        client.start();
        return client;
    }

    /** One h2 (or h2c) GET of /ip with a PROXY header given by {@code tag}, on a client of its own. */
    static ContentResponse h2Get(int port, boolean tls, Object tag) throws Exception {
        HttpClient client = h2Client(tls);
        try {
            return client.newRequest(PROXY_IP, port).scheme(tls ? "https" : "http").path("/ip").tag(tag)
                    .timeout(20, TimeUnit.SECONDS).send();
        } finally {
            client.stop();
        }
    }

    static void assertClient(String body) {
        assertTrue(body.contains("remote=" + CLIENT_IP + ":" + CLIENT_PORT + "\n"), body);
    }

    static void assertRemote(String address, String body) {
        assertTrue(body.contains("remote=" + address + ":"), body);
    }
}

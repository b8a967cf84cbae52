package io.github.proxyproto4j.interop.matrix;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's HttpClient, over HTTP/1.1 and over HTTP/2 (h2c with prior knowledge, h2 by ALPN), trusting any
 * certificate (the receivers' are self-signed). A request's tag, a {@code ProxyProtocolClientConnectionFactory}
 * {@code V1.Tag} or {@code V2.Tag}, makes the client write that header first on the connection.
 */
final class JettyClients implements AutoCloseable {
    private HttpClient http1;
    private HttpClient http2;

    synchronized HttpClient http1() throws Exception {
        if (http1 == null) {
            http1 = new HttpClient(new HttpClientTransportOverHTTP(connector()));
            http1.start();
        }
        return http1;
    }

    synchronized HttpClient http2() throws Exception {
        if (http2 == null) {
            http2 = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector())));
            http2.start();
        }
        return http2;
    }

    private static ClientConnector connector() {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(new SslContextFactory.Client(true));
        return connector;
    }

    /** A GET of {@code url} with the tag; the response's body (the echo). */
    static String get(HttpClient client, String url, Object tag) throws Exception {
        ContentResponse r = client.newRequest(url).tag(tag).timeout(15, TimeUnit.SECONDS).send();
        if (r.getStatus() != 200) {
            throw new AssertionError(url + ": " + r.getStatus() + "\n" + r.getContentAsString());
        }
        return r.getContentAsString();
    }

    @Override
    public synchronized void close() throws Exception {
        if (http1 != null) {
            http1.stop();
        }
        if (http2 != null) {
            http2.stop();
        }
    }
}

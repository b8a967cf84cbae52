package io.github.proxyproto4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxyproto4j.test.HttpResult;
import io.github.proxyproto4j.test.ProxyProtocolClient;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Shared test clients: the test kit for HTTP/1.1 (with or without a header, TLS after it), Jetty's for h2. */
final class Clients {
    /** The client the PROXY headers claim unless a test says otherwise (TEST-NET-3). */
    static final String CLIENT = "203.0.113.7";
    /** The address X-Forwarded-For claims (TEST-NET-2). */
    static final String FORWARDED = "198.51.100.9";

    private Clients() {
    }

    /** A v1 header claiming {@link #CLIENT}:40000, from 127.0.0.1 (the trusted "load balancer"). */
    static ProxyProtocolClient proxy(int port) {
        return ProxyProtocolClient.to("127.0.0.1", port).bind("127.0.0.1").source(CLIENT, 40000);
    }

    /** No header: a direct client on 127.0.0.1. */
    static ProxyProtocolClient plain(int port) {
        return ProxyProtocolClient.to("127.0.0.1", port).bind("127.0.0.1").noHeader();
    }

    static HttpResult get(ProxyProtocolClient client, String path, Map<String, String> headers) {
        return client.request("GET", path, headers, null);
    }

    static HttpResult withForwardedFor(ProxyProtocolClient client) {
        return get(client, "/echo", Map.of("X-Forwarded-For", FORWARDED));
    }

    /** Asserts a 200 from /echo and returns its body. */
    static String ok(HttpResult r) {
        assertThat(r.closedWithoutResponse()).as("closed without a response").isFalse();
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.body();
    }

    /** Jetty's HTTP/2 client (h2 by ALPN over TLS when tls), trusting any certificate, bound to 127.0.0.1. */
    static HttpClient h2(boolean tls) throws Exception {
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.setBindAddress(new InetSocketAddress("127.0.0.1", 0));
        if (tls) {
            SslContextFactory.Client ssl = new SslContextFactory.Client(true);
            ssl.setEndpointIdentificationAlgorithm(null);
            client.setSslContextFactory(ssl);
        }
        client.setConnectTimeout(TimeUnit.SECONDS.toMillis(10));
        client.start();
        return client;
    }
}

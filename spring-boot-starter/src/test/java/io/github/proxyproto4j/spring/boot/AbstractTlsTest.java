package io.github.proxyproto4j.spring.boot;

import static io.github.proxyproto4j.spring.boot.Clients.CLIENT;
import static io.github.proxyproto4j.spring.boot.Clients.ok;
import static io.github.proxyproto4j.spring.boot.Clients.plain;
import static io.github.proxyproto4j.spring.boot.Clients.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V1;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V2;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;

/**
 * TLS and h2 on a PROXY connector: the header in clear text, then the TLS handshake on the same socket; h2 chosen
 * by ALPN. Subclasses say which connector (server.port with server.ssl.*, or the extra port with an SSL bundle).
 */
abstract class AbstractTlsTest {

    /** @return the port of the PROXY connector with TLS */
    abstract int tlsProxyPort();

    @Test
    void httpsAfterAV1Header() {
        assertThat(ok(proxy(tlsProxyPort()).tlsTrustAll().get("/echo"))).contains("remote=" + CLIENT + ":40000\n",
                "secure=true\n", "scheme=https\n", "protocol=HTTP/1.1\n");
    }

    @Test
    void httpsAfterAV2Header() {
        assertThat(ok(proxy(tlsProxyPort()).v2().source("192.0.2.1", 50000).tlsTrustAll().get("/echo")))
                .contains("remote=192.0.2.1:50000\n", "secure=true\n");
    }

    @Test
    void aTlsHandshakeWithoutAHeaderIsClosed() {
        assertThat(plain(tlsProxyPort()).tlsTrustAll().get("/echo").closedWithoutResponse()).isTrue();
    }

    @Test
    void h2ByAlpnAfterTheHeader() throws Exception {
        HttpClient client = Clients.h2(true);
        try {
            for (Object tag : new Object[] {new V1.Tag(CLIENT, 40000), new V2.Tag(CLIENT, 40000)}) {
                ContentResponse r = client.newRequest("127.0.0.1", tlsProxyPort()).scheme("https").path("/echo")
                        .tag(tag).timeout(20, TimeUnit.SECONDS).send();
                assertThat(r.getStatus()).isEqualTo(200);
                assertThat(r.getVersion()).isEqualTo(HttpVersion.HTTP_2);
                assertThat(r.getContentAsString()).contains("remote=" + CLIENT + ":40000\n", "protocol=HTTP/2.0\n",
                        "secure=true\n", "scheme=https\n");
            }
        } finally {
            client.stop();
        }
    }
}

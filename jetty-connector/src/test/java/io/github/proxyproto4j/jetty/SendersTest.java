package io.github.proxyproto4j.jetty;

import static io.github.proxyproto4j.jetty.RawClient.BALANCER_IP;
import static io.github.proxyproto4j.jetty.RawClient.CLIENT_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyHeaderEncoder;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V1;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V2;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real senders of the header against the factory: Jetty's own HttpClient (v1 and v2) and the core encoder. */
class SendersTest {
    private JettyFixture jetty;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        jetty = new JettyFixture(ProxyProtocolConfig.builder().trustedProxies(BALANCER_IP + "/32").build());
        client = new HttpClient();
        client.setBindAddress(new InetSocketAddress(BALANCER_IP, 0)); // the balancer's address, trusted
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (jetty != null) {
            jetty.close();
        }
    }

    private String send(Object tag) throws Exception {
        ContentResponse r = client.newRequest("127.0.0.1", jetty.port()).method(HttpMethod.POST).path("/sent")
                .body(new StringRequestContent("payload")).tag(tag).timeout(20, TimeUnit.SECONDS).send();
        assertEquals(200, r.getStatus(), r.getContentAsString());
        return r.getContentAsString();
    }

    @Test
    void jettyClientV1() throws Exception {
        String r = send(new V1.Tag(CLIENT_IP, 40000));
        assertTrue(r.contains("remote=" + CLIENT_IP + ":40000\n"), r);
        assertTrue(r.contains("local=127.0.0.1:" + jetty.port() + "\n"), "the tag's destination is the socket's: " + r);
        assertTrue(r.contains("body=payload\n"), r);
        assertTrue(r.contains("attr.header=ProxyHeader{v1 PROXY INET/STREAM"), r);
        assertTrue(r.contains("attr.proxy.address=127.0.0.1\n"), r);
        assertEquals(1, jetty.proxy.getAccepted());
    }

    @Test
    void jettyClientV2WithTlvs() throws Exception {
        byte[] ssl = new byte[] {0x01, 0, 0, 0, 0, 0x21, 0, 7, 'T', 'L', 'S', 'v', '1', '.', '3'};
        V2.Tag tag = new V2.Tag(V2.Tag.Command.PROXY, V2.Tag.Family.INET4, V2.Tag.Protocol.STREAM, CLIENT_IP, 40000,
                "192.0.2.10", 443, List.of(
                        new V2.Tag.TLV(0x01, "h2".getBytes(StandardCharsets.US_ASCII)),
                        new V2.Tag.TLV(0x02, "app.example".getBytes(StandardCharsets.US_ASCII)),
                        new V2.Tag.TLV(0x05, new byte[] {1, 2, 3}),
                        new V2.Tag.TLV(V2.Tag.TLV.PP2_TYPE_SSL, ssl)));
        String r = send(tag);
        assertTrue(r.contains("remote=" + CLIENT_IP + ":40000\n"), r);
        assertTrue(r.contains("local=192.0.2.10:443\n"), r);
        assertTrue(r.contains("attr.tlv.alpn=h2\n"), r);
        assertTrue(r.contains("attr.tlv.authority=app.example\n"), r);
        assertTrue(r.contains("attr.tlv.unique-id=010203\n"), r);
        assertTrue(r.contains("attr.tlv.ssl="), r);
        assertTrue(r.contains("secure=true\n"), "the SSL TLV's client bit: " + r);
        assertTrue(r.contains("scheme=https\n"), r);
        assertTrue(r.contains("body=payload\n"), r);
        assertTrue(r.contains("attr.header=ProxyHeader{v2 PROXY INET/STREAM"), r);
    }

    @Test
    void jettyClientV2Local() throws Exception {
        String r = send(V2.Tag.LOCAL);
        assertTrue(r.contains("remote=127.0.0.1:"), "LOCAL keeps the socket's address: " + r);
        assertEquals(1, jetty.proxy.getLocal());
        assertEquals(0, jetty.proxy.getAccepted());
    }

    @Test
    void coreEncoderV2WithCrc() throws Exception {
        byte[] header = ProxyHeaderEncoder.encodeV2(ProxyHeader.builder()
                .addresses(new InetSocketAddress(CLIENT_IP, 40000), new InetSocketAddress("192.0.2.10", 9080))
                .authority("app.example").build(), true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(header);
        bytes.write(ProxyProtocolConnectionFactoryTest.GET.getBytes(StandardCharsets.ISO_8859_1));
        String r;
        try (RawClient c = new RawClient(jetty.port())) {
            r = c.write(bytes.toByteArray()).readAllText();
        }
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertTrue(r.contains("remote=" + CLIENT_IP + ":40000\n"), r);
        assertTrue(r.contains("attr.tlv.authority=app.example\n"), r);
    }
}

package io.github.proxyproto4j.samples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.Command;
import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyProtocolAttributes;
import io.github.proxyproto4j.core.SslInfo;
import io.github.proxyproto4j.core.Tlv;
import io.github.proxyproto4j.core.TlvType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EchoServletTest {
    private static final List<String> SECTIONS = List.of("Pod Information:", "Server values:",
            "Request Information:", "Request Headers:", "Request Body:", "Proxy Information:");

    @Test
    void sectionsInOrderEachLineTabIndented() throws Exception {
        String out = EchoServlet.render(new FakeRequest().build());
        String[] lines = out.split("\n", -1);
        assertTrue(lines[0].startsWith("Hostname: "), out);
        assertEquals("", lines[1], out);

        List<String> seen = new ArrayList<>();
        boolean inSection = false;
        for (int i = 2; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                inSection = false;
            } else if (!inSection) {
                assertTrue(line.endsWith(":") && !line.startsWith("\t"), "section title expected: " + line);
                seen.add(line);
                inSection = true;
            } else {
                assertTrue(line.startsWith("\t") && !line.startsWith("\t\t"), "tab-indented line expected: " + line);
            }
        }
        assertEquals(SECTIONS, seen, out);
        assertTrue(out.endsWith("\n"), out);
    }

    @Test
    void requestInformation() throws Exception {
        FakeRequest r = new FakeRequest();
        r.query = "a=1&b=2";
        r.header("Host", "example.test").header("User-Agent", "curl/8.0").header("Accept", "text/plain")
                .header("Accept", "*/*");
        String out = EchoServlet.render(r.build());
        assertTrue(out.contains("Server values:\n\tserver_version=fake/1.0\n"), out);
        assertTrue(out.contains("Request Information:\n"
                + "\tclient_address=10.240.64.4\n"
                + "\tmethod=GET\n"
                + "\treal path=/echo/me\n"
                + "\tquery=a=1&b=2\n"
                + "\trequest_version=HTTP/1.1\n"
                + "\trequest_scheme=http\n"
                + "\trequest_uri=http://example.test:8080/echo/me?a=1&b=2\n\n"), out);
        assertTrue(out.contains("Request Headers:\n"
                + "\thost=example.test\n"
                + "\tuser-agent=curl/8.0\n"
                + "\taccept=text/plain\n"
                + "\taccept=*/*\n\n"), out);
        assertTrue(out.contains("Request Body:\n\t-no body in request-\n"), out);
    }

    @Test
    void bodyVerbatim() throws Exception {
        FakeRequest r = new FakeRequest();
        r.method = "POST";
        r.body = "{\"greeting\": \"grüß dich\"}".getBytes(StandardCharsets.UTF_8);
        String out = EchoServlet.render(r.build());
        assertTrue(out.contains("\tmethod=POST\n"), out);
        assertTrue(out.contains("Request Body:\n\t{\"greeting\": \"grüß dich\"}\n\nProxy Information:"), out);
    }

    @Test
    void noProxyHeader() throws Exception {
        String out = EchoServlet.render(new FakeRequest().build());
        assertTrue(out.endsWith("Proxy Information:\n\t-no PROXY header-\n"), out);
    }

    @Test
    void proxyHeaderWithTlvs() throws Exception {
        ProxyHeader header = ProxyHeader.builder()
                .addresses(new InetSocketAddress("198.51.100.7", 40000), new InetSocketAddress("10.0.0.5", 9080))
                .alpn("h2")
                .authority("app.example.test")
                .uniqueId(new byte[] {(byte) 0xca, (byte) 0xfe, 0x01})
                .ssl(SslInfo.of(SslInfo.CLIENT_SSL | SslInfo.CLIENT_CERT_CONN, 0, List.of(
                        Tlv.of(TlvType.SSL_VERSION, "TLSv1.3".getBytes(StandardCharsets.US_ASCII)),
                        Tlv.of(TlvType.SSL_CN, "client.example.test".getBytes(StandardCharsets.US_ASCII)),
                        Tlv.of(TlvType.SSL_CIPHER, "TLS_AES_128_GCM_SHA256".getBytes(StandardCharsets.US_ASCII)))))
                .awsVpcEndpointId("vpce-0123456789abcdef0")
                .build();
        FakeRequest r = new FakeRequest();
        r.remoteAddr = "198.51.100.7";
        r.attributes.put(ProxyProtocolAttributes.HEADER, header);
        r.attributes.put(ProxyProtocolAttributes.PROXY_ADDRESS, "10.240.64.4");
        String out = EchoServlet.render(r.build());
        assertTrue(out.contains("\tclient_address=198.51.100.7\n"), out);
        assertTrue(out.endsWith("Proxy Information:\n"
                + "\tversion=2\n"
                + "\tcommand=PROXY\n"
                + "\tsource=198.51.100.7:40000\n"
                + "\tdestination=10.0.0.5:9080\n"
                + "\tproxy_address=10.240.64.4\n"
                + "\talpn=h2\n"
                + "\tauthority=app.example.test\n"
                + "\tunique_id=cafe01\n"
                + "\tssl.client=true\n"
                + "\tssl.verified=true\n"
                + "\tssl.version=TLSv1.3\n"
                + "\tssl.cn=client.example.test\n"
                + "\tssl.cipher=TLS_AES_128_GCM_SHA256\n"
                + "\taws.vpce_id=vpce-0123456789abcdef0\n"), out);
    }

    @Test
    void localHeaderAndIpv6() throws Exception {
        ProxyHeader local = ProxyHeader.builder().command(Command.LOCAL).build();
        FakeRequest r = new FakeRequest();
        r.attributes.put(ProxyProtocolAttributes.HEADER, local);
        r.attributes.put(ProxyProtocolAttributes.PROXY_ADDRESS, "10.240.64.4");
        String out = EchoServlet.render(r.build());
        assertTrue(out.endsWith("Proxy Information:\n\tversion=2\n\tcommand=LOCAL\n\tsource=-none-\n"
                + "\tdestination=-none-\n\tproxy_address=10.240.64.4\n"), out);

        ProxyHeader v1 = ProxyHeader.builder().version(1)
                .addresses(new InetSocketAddress("2001:db8::7", 40000), new InetSocketAddress("::1", 9080)).build();
        r.attributes.put(ProxyProtocolAttributes.HEADER, v1);
        out = EchoServlet.render(r.build());
        assertTrue(out.contains("\tversion=1\n\tcommand=PROXY\n\tsource=[2001:db8:0:0:0:0:0:7]:40000\n"
                + "\tdestination=[0:0:0:0:0:0:0:1]:9080\n"), out);
    }

    /** The few request methods render() calls, answered from fields through a java.lang.reflect.Proxy. */
    static final class FakeRequest {
        String method = "GET";
        String remoteAddr = "10.240.64.4";
        String query;
        byte[] body = new byte[0];
        final Map<String, List<String>> headers = new HashMap<>();
        final LinkedHashSet<String> headerOrder = new LinkedHashSet<>();
        final Map<String, Object> attributes = new HashMap<>();

        FakeRequest header(String name, String value) {
            headerOrder.add(name);
            headers.computeIfAbsent(name.toLowerCase(), k -> new ArrayList<>()).add(value);
            return this;
        }

        HttpServletRequest build() {
            ServletContext context = (ServletContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ServletContext.class}, (p, m, a) -> {
                        if (m.getName().equals("getServerInfo")) {
                            return "fake/1.0";
                        }
                        throw new UnsupportedOperationException(m.getName());
                    });
            return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> {
                        switch (m.getName()) {
                            case "getServletContext":
                                return context;
                            case "getRemoteAddr":
                                return remoteAddr;
                            case "getMethod":
                                return method;
                            case "getRequestURI":
                                return "/echo/me";
                            case "getQueryString":
                                return query;
                            case "getProtocol":
                                return "HTTP/1.1";
                            case "getScheme":
                                return "http";
                            case "getServerName":
                                return headers.containsKey("host") ? headers.get("host").get(0) : "localhost";
                            case "getServerPort":
                                return 8080;
                            case "getHeaderNames":
                                return Collections.enumeration(headerOrder);
                            case "getHeaders":
                                return Collections.enumeration(
                                        headers.getOrDefault(((String) a[0]).toLowerCase(), List.of()));
                            case "getAttribute":
                                return attributes.get((String) a[0]);
                            case "getInputStream":
                                return new BytesInputStream(body);
                            case "toString":
                                return "FakeRequest";
                            default:
                                throw new UnsupportedOperationException(m.getName());
                        }
                    });
        }
    }

    private static final class BytesInputStream extends ServletInputStream {
        private final ByteArrayInputStream in;

        BytesInputStream(byte[] bytes) {
            this.in = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
            return in.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException();
        }
    }
}

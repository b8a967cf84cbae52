package io.github.proxyproto4j.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "proxy-protocol.port=0", "proxy-protocol.trusted-proxies=127.0.0.1/32", "server.address=127.0.0.1"})
class SmokeTomcatTest {

    @SpringBootApplication
    @RestController
    static class App {
        @GetMapping("/ip")
        String ip(HttpServletRequest request) {
            return "client=" + request.getRemoteAddr();
        }
    }

    @Value("${local.proxy-protocol.port}")
    int proxyPort;

    @Value("${local.server.port}")
    int serverPort;

    static String send(int port, String text) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            s.connect(new InetSocketAddress("127.0.0.1", port));
            s.setSoTimeout(10000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void theExtraPortAppliesTheHeaderAndServerPortStaysPlain() throws Exception {
        assertTrue(proxyPort > 0 && proxyPort != serverPort);
        String r = send(proxyPort, "PROXY TCP4 203.0.113.7 127.0.0.1 40000 9080\r\nGET /ip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(r.contains("client=203.0.113.7"), r);
        String plain = send(serverPort, "GET /ip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(plain.contains("client=127.0.0.1"), plain);
        assertEquals("", send(proxyPort, "GET /ip HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
}

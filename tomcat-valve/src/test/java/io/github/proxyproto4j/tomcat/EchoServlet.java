package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.ProxyProtocolAttributes;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;

/** Answers with what the request sees, one {@code key=value} per line. */
public class EchoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        sb.append("remote=").append(req.getRemoteAddr()).append(':').append(req.getRemotePort()).append('\n');
        sb.append("remoteHost=").append(req.getRemoteHost()).append('\n');
        sb.append("local=").append(req.getLocalAddr()).append(':').append(req.getLocalPort()).append('\n');
        sb.append("secure=").append(req.isSecure()).append('\n');
        sb.append("scheme=").append(req.getScheme()).append('\n');
        sb.append("serverPort=").append(req.getServerPort()).append('\n');
        sb.append("path=").append(req.getRequestURI()).append('\n');
        sb.append("body=").append(body).append('\n');
        sb.append("protocol=").append(req.getProtocol()).append('\n');
        if (req.getAttribute("jakarta.servlet.request.X509Certificate") instanceof X509Certificate[] certs
                && certs.length > 0) {
            sb.append("x509=").append(certs[0].getSubjectX500Principal().getName()).append('\n');
        }
        for (String name : new String[] {ProxyProtocolAttributes.HEADER, ProxyProtocolAttributes.PROXY_ADDRESS,
            ProxyProtocolAttributes.PROXY_PORT, ProxyProtocolAttributes.ALPN, ProxyProtocolAttributes.AUTHORITY,
            ProxyProtocolAttributes.UNIQUE_ID, ProxyProtocolAttributes.SSL, ProxyProtocolAttributes.SSL_CLIENT_CN,
            ProxyProtocolAttributes.AWS_VPC_ENDPOINT_ID}) {
            Object v = req.getAttribute(name);
            if (v != null) {
                sb.append("attr.").append(name.substring("io.github.proxyproto4j.".length())).append('=').append(v)
                        .append('\n');
            }
        }
        resp.setContentType("text/plain;charset=utf-8");
        resp.getOutputStream().write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}

package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.core.ProxyProtocolAttributes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** A plain Jetty handler that answers with what the request sees, one {@code key=value} per line. */
final class EchoHandler extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        sb.append("remote=").append(Request.getRemoteAddr(request)).append(':').append(Request.getRemotePort(request)).append('\n');
        sb.append("local=").append(Request.getLocalAddr(request)).append(':').append(Request.getLocalPort(request)).append('\n');
        sb.append("secure=").append(request.isSecure()).append('\n');
        sb.append("scheme=").append(request.getHttpURI().getScheme()).append('\n');
        sb.append("protocol=").append(request.getConnectionMetaData().getProtocol()).append('\n');
        sb.append("path=").append(request.getHttpURI().getPath()).append('\n');
        sb.append("body=").append(body).append('\n');
        for (String name : new String[] {ProxyProtocolAttributes.HEADER, ProxyProtocolAttributes.PROXY_ADDRESS,
            ProxyProtocolAttributes.PROXY_PORT, ProxyProtocolAttributes.ALPN, ProxyProtocolAttributes.AUTHORITY,
            ProxyProtocolAttributes.UNIQUE_ID, ProxyProtocolAttributes.SSL, ProxyProtocolAttributes.SSL_CLIENT_CN,
            ProxyProtocolAttributes.AWS_VPC_ENDPOINT_ID, ProxyProtocolAttributes.AZURE_PRIVATE_LINK_ID,
            ProxyProtocolAttributes.GCP_PSC_CONNECTION_ID}) {
            Object v = request.getAttribute(name);
            if (v != null) {
                sb.append("attr.").append(name.substring("io.github.proxyproto4j.".length())).append('=').append(v)
                        .append('\n');
            }
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        response.write(true, ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}

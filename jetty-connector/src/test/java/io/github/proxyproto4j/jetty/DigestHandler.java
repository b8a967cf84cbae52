package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.testsupport.Digest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers with the request's addresses, path and the SHA-256 of its body (see {@link Digest}), never the body itself:
 * whatever bytes a client sends, the reply's lines cannot be forged by them.
 */
final class DigestHandler extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        ByteBuffer content = Content.Source.asByteBuffer(request);
        byte[] body = new byte[content.remaining()];
        content.get(body);
        String text = Digest.lines(Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request),
                Request.getLocalAddr(request) + ":" + Request.getLocalPort(request),
                request.getHttpURI().getPath(), body);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}

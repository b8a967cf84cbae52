package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.testsupport.Digest;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.startup.Tomcat;

/**
 * Answers with the request's addresses, path and the SHA-256 of its body (see {@link Digest}), never the body itself:
 * whatever bytes a client sends, the reply's lines cannot be forged by them.
 */
public class DigestServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** Makes this servlet, instead of {@link EchoServlet}, answer every path of the fixture's context. */
    static void serveEverything(TomcatFixture f) {
        f.context.removeServletMapping("/*");
        Tomcat.addServlet(f.context, "digest", new DigestServlet());
        f.context.addServletMappingDecoded("/*", "digest");
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body = req.getInputStream().readAllBytes();
        byte[] text = Digest.lines(req.getRemoteAddr() + ":" + req.getRemotePort(),
                req.getLocalAddr() + ":" + req.getLocalPort(), req.getRequestURI(), body)
                .getBytes(StandardCharsets.UTF_8);
        resp.setContentType("text/plain;charset=utf-8");
        resp.setContentLength(text.length);
        resp.getOutputStream().write(text);
    }
}

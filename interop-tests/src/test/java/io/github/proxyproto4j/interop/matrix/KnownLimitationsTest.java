package io.github.proxyproto4j.interop.matrix;

import static io.github.proxyproto4j.interop.matrix.Clients.CLIENT_IP;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Combinations that do not work, pinned as they fail today, so that a change that makes one work shows here (then
 * move it into {@link Matrix} and out of docs/interop.md's list of what does not work).
 */
class KnownLimitationsTest {

    /**
     * HAProxy terminates TLS, negotiates h2 by ALPN and, in TCP mode, passes the h2 frames on in plaintext behind the
     * header: Tomcat takes them as h2c with prior knowledge, then refuses each stream, because its {@code :scheme}
     * is {@code https} on a connector without TLS ({@code StreamException: The scheme [https] is not consistent with
     * the TLS enabled setting of [false]}), although the SSL TLV says the client used TLS. HTTP/1.1 through the same
     * HAProxy works (the matrix).
     */
    @Test
    void h2OverHaproxyTlsOffloadIsRefusedByTomcat() throws Exception {
        try (Workspace workspace = new Workspace()) {
            Receiver.App app = Receivers.EMBEDDED_TOMCAT.start(false, null);
            try (HaproxyProcess haproxy = HaproxyProcess.start("tls-offload-send-proxy-v2.cfg", app.proxyPort(),
                    workspace)) {
                Path certs = workspace.certs();
                String r = Clients.curl("--http2", "--cert", certs.resolve("client.pem").toString(),
                        "--key", certs.resolve("client.key").toString(),
                        "--cacert", certs.resolve("ca.pem").toString(),
                        "--resolve", "lb.test:" + haproxy.port() + ":127.0.0.1", "--interface", CLIENT_IP,
                        "https://lb.test:" + haproxy.port() + "/");
                assertFalse(r.contains("client_address="), r);
                assertTrue(r.contains("PROTOCOL_ERROR"), r);
            } finally {
                app.close();
            }
        }
    }
}

package io.github.proxyproto4j.interop.matrix;

import static io.github.proxyproto4j.interop.matrix.Clients.CLIENT_IP;
import static io.github.proxyproto4j.interop.matrix.Transport.H2C;
import static io.github.proxyproto4j.interop.matrix.Transport.HTTP1;
import static io.github.proxyproto4j.interop.matrix.Transport.TLS_BY_APP_H2;
import static io.github.proxyproto4j.interop.matrix.Transport.TLS_BY_APP_HTTP1;
import static io.github.proxyproto4j.interop.matrix.Transport.TLS_BY_SENDER_H2;
import static io.github.proxyproto4j.interop.matrix.Transport.TLS_BY_SENDER_HTTP1;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V1;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory.V2;

/**
 * The interop matrix: every {@link Cell} (a sender set up one way, one PROXY version, one transport, what is
 * checked) against every receiver in {@link Receivers#ALL} whose PROXY port takes that transport. The order here is
 * the order of docs/interop.md; {@link InteropMatrixTest} runs the cases grouped by receiver and sender set-up, so
 * each application and each HAProxy/nginx configuration starts once per group.
 */
final class Matrix {
    /** Branches of the external senders the matrix (and docs/interop.md) is about; a test checks the installed ones. */
    static final String HAPROXY_BRANCH = "2.6";
    static final String NGINX_BRANCH = "1.22";
    static final String CURL_BRANCH = "7.88";

    private Matrix() {
    }

    /** What runs between the client and the receiver for a group of cells, started once per receiver instance. */
    enum Kind {
        HAPROXY, NGINX, RELAY, DIRECT
    }

    /**
     * @param kind what runs
     * @param config the file in samples/configs (haproxy/..., nginx/...), or null
     */
    record Setup(Kind kind, String config) {
        SenderProcess start(int appPort, Workspace workspace) throws Exception {
            return switch (kind) {
                case HAPROXY -> HaproxyProcess.start(config, appPort, workspace);
                case NGINX -> NginxProcess.start(config, appPort, workspace);
                case RELAY -> LoopbackRelay.start(appPort);
                case DIRECT -> null;
            };
        }

        String configPath() {
            return config == null ? null : "samples/configs/" + (kind == Kind.HAPROXY ? "haproxy/" : "nginx/") + config;
        }
    }

    /** A cell's action: sends, then checks what the application saw. */
    interface Action {
        void run(Ctx ctx) throws Exception;
    }

    /**
     * A row of the matrix before the receiver is chosen.
     *
     * @param sender who writes the header, and how it is configured
     * @param setup the process that runs it (for HAProxy and nginx: the configuration file)
     * @param transport what follows the header
     * @param version 1 or 2
     * @param carries what the header carries, e.g. {@code TCP4}, {@code TCP6}, {@code LOCAL}
     * @param checks what the cell asserts, beyond the common checks
     * @param action the cell itself
     */
    record Cell(String sender, Setup setup, Transport transport, int version, String carries, String checks,
                Action action) {
        /** @return e.g. {@code v1 TCP6} */
        String header() {
            return "v" + version + " " + carries;
        }
    }

    static final Setup HAPROXY_V1 = new Setup(Kind.HAPROXY, "tcp-send-proxy.cfg");
    static final Setup HAPROXY_V2 = new Setup(Kind.HAPROXY, "tcp-send-proxy-v2.cfg");
    static final Setup HAPROXY_TLS_OFFLOAD = new Setup(Kind.HAPROXY, "tls-offload-send-proxy-v2.cfg");
    static final Setup HAPROXY_CHECK_V2 = new Setup(Kind.HAPROXY, "health-check-send-proxy-v2.cfg");
    static final Setup HAPROXY_CHECK_V1 = new Setup(Kind.HAPROXY, "health-check-send-proxy.cfg");
    static final Setup HAPROXY_V4V6 = new Setup(Kind.HAPROXY, "v4v6-send-proxy.cfg");
    static final Setup NGINX = new Setup(Kind.NGINX, "stream-proxy-protocol.conf");
    static final Setup CURL_RELAY = new Setup(Kind.RELAY, null);
    static final Setup DIRECT = new Setup(Kind.DIRECT, null);

    /** Every cell, in the order of the documentation. */
    static List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();

        // HAProxy 2.6, TCP mode, header from the server line; TLS passthrough is the same file.
        for (Setup setup : List.of(HAPROXY_V1, HAPROXY_V2)) {
            int v = setup == HAPROXY_V1 ? 1 : 2;
            String sender = "HAProxy `" + (v == 1 ? "send-proxy" : "send-proxy-v2 proxy-v2-options crc32c,unique-id")
                    + "`";
            String extra = v == 2 ? "; unique_id present" : "";
            for (Transport t : List.of(HTTP1, H2C, TLS_BY_APP_HTTP1, TLS_BY_APP_H2)) {
                cells.add(new Cell(sender, setup, t, v, "TCP4",
                        "client 127.0.0.42 from the header; destination = HAProxy's listener" + extra
                                + (t.appPort().tls() ? "; TLS passed through, the app terminates it" : ""),
                        ctx -> {
                            Echo.Expect e = ctx.expect(tcpSenderClient(ctx, CLIENT_IP, "127.0.0.1", t))
                                    .client(CLIENT_IP).destination("127.0.0.1", ctx.port());
                            if (v == 2) {
                                e.present("unique_id");
                            }
                            e.verify();
                        }));
            }
        }
        String offload = "HAProxy TLS offload, mTLS, `send-proxy-v2 proxy-v2-options "
                + "crc32c,authority,unique-id,ssl,cert-cn`";
        // TLS_BY_SENDER_H2 reaches the Jetty receivers only: Tomcat refuses it (KnownLimitationsTest).
        for (Transport t : List.of(TLS_BY_SENDER_HTTP1, TLS_BY_SENDER_H2)) {
            String alpn = t == TLS_BY_SENDER_H2 ? "h2" : "http/1.1";
            cells.add(new Cell(offload, HAPROXY_TLS_OFFLOAD, t, 2, "TCP4 + TLVs",
                    "https from the SSL TLV; ssl.client, ssl.verified, ssl.cn=alice, authority=lb.test (SNI), alpn="
                            + alpn + ", unique_id",
                    ctx -> {
                        Path certs = ctx.workspace().certs();
                        String r = Clients.curl(t == TLS_BY_SENDER_H2 ? "--http2" : "--http1.1",
                                "--cert", certs.resolve("client.pem").toString(),
                                "--key", certs.resolve("client.key").toString(),
                                "--cacert", certs.resolve("ca.pem").toString(),
                                "--resolve", "lb.test:" + ctx.port() + ":127.0.0.1",
                                "--interface", CLIENT_IP, "https://lb.test:" + ctx.port() + "/matrix?x=1");
                        ctx.expect(r).client(CLIENT_IP).destination("127.0.0.1", ctx.port())
                                .line("ssl.client", "true").line("ssl.verified", "true").line("ssl.cn", "alice")
                                .line("authority", "lb.test").line("alpn", alpn)
                                .present("ssl.version").present("unique_id").verify();
                    }));
        }
        cells.add(new Cell("HAProxy `option httpchk` + `check check-send-proxy`, `send-proxy-v2`", HAPROXY_CHECK_V2,
                HTTP1, 2, "LOCAL (checks)",
                "stats socket `show stat`: UP, L7OK, 200 for checks with a LOCAL header; traffic: client 127.0.0.42",
                ctx -> healthCheck(ctx)));
        cells.add(new Cell("HAProxy `option httpchk` + `check check-send-proxy`, `send-proxy`", HAPROXY_CHECK_V1,
                HTTP1, 1, "TCP4 (checks: HAProxy's own addresses)",
                "stats socket `show stat`: UP, L7OK, 200 for checks with a v1 header; traffic: client 127.0.0.42",
                ctx -> healthCheck(ctx)));
        cells.add(new Cell("HAProxy `bind ::ffff:127.0.0.1:PORT v4v6`, `send-proxy`", HAPROXY_V4V6, HTTP1, 1,
                "TCP6 (IPv4-mapped)",
                "header `TCP6 ::ffff:127.0.0.42`; client = 127.0.0.42 (the same InetAddress)",
                ctx -> ctx.expect(Clients.get(CLIENT_IP, "127.0.0.1", ctx.port()))
                        .client("::ffff:127.0.0.42").destination("::ffff:127.0.0.1", ctx.port()).verify()));

        // nginx 1.22 stream, proxy_protocol on (v1 only), on 127.0.0.1 and [::1].
        String nginx = "nginx stream `proxy_protocol on`";
        cells.add(tcpCell(nginx, NGINX, HTTP1, 1, CLIENT_IP, "127.0.0.1"));
        cells.add(tcpCell(nginx, NGINX, HTTP1, 1, "::1", "::1"));
        cells.add(tcpCell(nginx, NGINX, H2C, 1, CLIENT_IP, "127.0.0.1"));
        cells.add(tcpCell(nginx, NGINX, TLS_BY_APP_HTTP1, 1, CLIENT_IP, "127.0.0.1"));
        cells.add(tcpCell(nginx, NGINX, TLS_BY_APP_H2, 1, CLIENT_IP, "127.0.0.1"));
        cells.add(tcpCell(nginx, NGINX, TLS_BY_APP_H2, 1, "::1", "::1"));

        // curl --haproxy-protocol: curl is the sender, its header carries its own connection.
        for (Transport t : List.of(HTTP1, H2C, TLS_BY_APP_HTTP1, TLS_BY_APP_H2)) {
            cells.add(curlCell(t, CLIENT_IP, "127.0.0.1"));
            if (t == HTTP1 || t == TLS_BY_APP_H2) {
                cells.add(curlCell(t, "::1", "::1"));
            }
        }

        // Netty's HAProxyMessageEncoder, the bytes written on a socket from 127.0.0.1, then the request.
        String netty = "Netty `HAProxyMessageEncoder`";
        cells.add(nettyCell(netty + " + ALPN, authority, AWS, Azure, GCP, custom TLVs", HTTP1, 2, true, false));
        cells.add(nettyCell(netty, HTTP1, 2, false, true));
        cells.add(nettyCell(netty, HTTP1, 1, false, false));
        cells.add(nettyCell(netty, HTTP1, 1, false, true));
        cells.add(nettyCell(netty + " + ALPN, authority, AWS, Azure, GCP, custom TLVs", TLS_BY_APP_HTTP1, 2, true,
                false));
        cells.add(nettyCell(netty, TLS_BY_APP_HTTP1, 1, false, false));

        // Jetty's HttpClient with ProxyProtocolClientConnectionFactory's V1 and V2 tags.
        cells.add(jettyCell(HTTP1, 1));
        cells.add(jettyCell(HTTP1, 2));
        cells.add(jettyCell(H2C, 1));
        cells.add(jettyCell(H2C, 2));
        cells.add(jettyCell(TLS_BY_APP_HTTP1, 1));
        cells.add(jettyCell(TLS_BY_APP_HTTP1, 2));
        cells.add(jettyCell(TLS_BY_APP_H2, 1));
        cells.add(jettyCell(TLS_BY_APP_H2, 2));
        return cells;
    }

    /** Every case: each cell against each receiver that takes its transport, numbered in documentation order. */
    static List<MatrixCase> cases() {
        List<MatrixCase> cases = new ArrayList<>();
        for (Cell cell : cells()) {
            for (Receiver receiver : Receivers.ALL) {
                if (receiver.accepts(cell.transport())) {
                    cases.add(new MatrixCase(cases.size() + 1, cell, receiver));
                }
            }
        }
        return cases;
    }

    /**
     * A client behind a TCP-mode sender (HAProxy, nginx) that never looks at the bytes: a raw GET for HTTP/1.1,
     * curl for h2c (prior knowledge) and for TLS, which the application terminates.
     */
    static String tcpSenderClient(Ctx ctx, String bind, String host, Transport t) throws Exception {
        return switch (t) {
            case HTTP1 -> Clients.get(bind, host, ctx.port());
            case H2C -> Clients.curl("--http2-prior-knowledge", "--interface", bind, "-g", ctx.url("http", host));
            case TLS_BY_APP_HTTP1 -> Clients.curl("-k", "--http1.1", "--interface", bind, "-g",
                    ctx.url("https", host));
            case TLS_BY_APP_H2 -> Clients.curl("-k", "--http2", "--interface", bind, "-g", ctx.url("https", host));
            default -> throw new IllegalArgumentException(t.name());
        };
    }

    private static Cell tcpCell(String sender, Setup setup, Transport t, int version, String bind, String host) {
        boolean v6 = bind.contains(":");
        return new Cell(sender, setup, t, version, v6 ? "TCP6" : "TCP4",
                "client " + bind + " from the header; destination = the sender's listener" + (v6 ? " on [::1]" : ""),
                ctx -> ctx.expect(tcpSenderClient(ctx, bind, host, t)).client(bind).destination(host, ctx.port())
                        .verify());
    }

    private static Cell curlCell(Transport t, String bind, String host) {
        boolean v6 = bind.contains(":");
        return new Cell("curl `--haproxy-protocol`", CURL_RELAY, t, 1, v6 ? "TCP6" : "TCP4",
                "source = curl's own address (" + bind + "), which becomes the client",
                ctx -> {
                    List<String> args = new ArrayList<>(List.of("--haproxy-protocol", "--interface", bind, "-g"));
                    switch (t) {
                        case HTTP1 -> args.add("--http1.1");
                        case H2C -> args.add("--http2-prior-knowledge");
                        case TLS_BY_APP_HTTP1 -> args.addAll(List.of("-k", "--http1.1"));
                        case TLS_BY_APP_H2 -> args.addAll(List.of("-k", "--http2"));
                        default -> throw new IllegalArgumentException(t.name());
                    }
                    args.add(ctx.url(t.appPort().tls() ? "https" : "http", host));
                    ctx.expect(Clients.curl(args.toArray(String[]::new))).client(bind).destination(host, ctx.port())
                            .verify();
                });
    }

    private static Cell nettyCell(String sender, Transport t, int version, boolean tlvs, boolean v6) {
        String src = v6 ? "2001:db8::" + (version == 2 ? 7 : 8) : (version == 2 ? "203.0.113.7" : "192.0.2.7");
        String dst = v6 ? "2001:db8::1" : "198.51.100.1";
        int dstPort = t.appPort().tls() ? 443 : 80;
        String checks = "client " + src + " and destination " + dst + ":" + dstPort + " from the header"
                + (tlvs ? "; alpn, authority, aws.vpce_id, azure.link_id, gcp.psc_connection_id" : "");
        return new Cell(sender, DIRECT, t, version, v6 ? "TCP6" : "TCP4", checks, ctx -> {
            List<HAProxyTLV> list = new ArrayList<>();
            if (tlvs) {
                list.add(new HAProxyTLV(HAProxyTLV.Type.PP2_TYPE_ALPN, ascii("http/1.1")));
                list.add(new HAProxyTLV(HAProxyTLV.Type.PP2_TYPE_AUTHORITY, ascii("app.example")));
                list.add(new HAProxyTLV((byte) 0xEA, Unpooled.wrappedBuffer(
                        concat(new byte[] {0x01}, "vpce-0123456789abcdef0".getBytes(StandardCharsets.US_ASCII)))));
                // LINKID 0x12345678, little-endian
                list.add(new HAProxyTLV((byte) 0xEE, Unpooled.wrappedBuffer(new byte[] {0x01, 0x78, 0x56, 0x34, 0x12})));
                // PSC connection id, 8 bytes big-endian
                list.add(new HAProxyTLV((byte) 0xE0, Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})));
                // a custom TLV from the application-specific range: ignored, the header still applies
                list.add(new HAProxyTLV((byte) 0xE5, ascii("tenant=blue")));
            }
            HAProxyMessage message = new HAProxyMessage(
                    version == 2 ? HAProxyProtocolVersion.V2 : HAProxyProtocolVersion.V1, HAProxyCommand.PROXY,
                    v6 ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4, src, dst, 40000 + version,
                    dstPort, list);
            byte[] header = Clients.nettyEncode(message);
            Echo.Expect e = ctx.expect(Clients.sendWithHeader(header, ctx.port(), t.appPort().tls()))
                    .client(src).destination(dst, dstPort);
            if (tlvs) {
                e.line("alpn", "http/1.1").line("authority", "app.example")
                        .line("aws.vpce_id", "vpce-0123456789abcdef0").line("azure.link_id", "305419896")
                        .line("gcp.psc_connection_id", "72623859790382856");
            }
            e.verify();
        });
    }

    private static Cell jettyCell(Transport t, int version) {
        String src = version == 1 ? "192.0.2.8" : "192.0.2.9";
        String sender = "Jetty `HttpClient`, `ProxyProtocolClientConnectionFactory.V" + version + ".Tag`"
                + (version == 2 ? " + authority TLV" : "");
        return new Cell(sender, DIRECT, t, version, "TCP4",
                "client " + src + " from the tag; destination = the app's port" + (version == 2 ? "; authority" : ""),
                ctx -> {
                    Object tag = version == 1 ? new V1.Tag(src, 4242)
                            : new V2.Tag(src, 4343, List.of(new V2.Tag.TLV(0x02,
                                    "jetty.test".getBytes(StandardCharsets.US_ASCII))));
                    boolean h2 = t == H2C || t == TLS_BY_APP_H2;
                    String url = ctx.url(t.appPort().tls() ? "https" : "http", "127.0.0.1");
                    String body = JettyClients.get(h2 ? ctx.jetty().http2() : ctx.jetty().http1(), url, tag);
                    Echo.Expect e = ctx.expect(body).client(src).destination("127.0.0.1", ctx.port());
                    if (version == 2) {
                        e.line("authority", "jetty.test");
                    }
                    e.verify();
                });
    }

    /**
     * Waits until HAProxy's checks through the PROXY port pass (the application answers only after a valid header:
     * without one it closes the connection, a failed check), then sends traffic through.
     */
    private static void healthCheck(Ctx ctx) throws Exception {
        HaproxyProcess haproxy = (HaproxyProcess) ctx.sender();
        long end = System.nanoTime() + 15_000_000_000L;
        Map<String, String> row;
        while (true) {
            row = haproxy.stat("app", "app");
            if ("UP".equals(row.get("status")) && "L7OK".equals(row.get("check_status"))
                    && "200".equals(row.get("check_code"))) {
                break;
            }
            if (System.nanoTime() > end) {
                fail(ctx.c() + ": the check did not pass: status=" + row.get("status") + " check_status="
                        + row.get("check_status") + " check_code=" + row.get("check_code") + " last_chk="
                        + row.get("last_chk") + "\n" + haproxy.log());
            }
            Thread.sleep(100);
        }
        ctx.expect(Clients.get(CLIENT_IP, "127.0.0.1", ctx.port())).client(CLIENT_IP)
                .destination("127.0.0.1", ctx.port()).verify();
    }

    private static io.netty.buffer.ByteBuf ascii(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

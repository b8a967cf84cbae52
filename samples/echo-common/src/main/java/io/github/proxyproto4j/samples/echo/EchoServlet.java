package io.github.proxyproto4j.samples.echo;

import io.github.proxyproto4j.core.ProxyHeader;
import io.github.proxyproto4j.core.ProxyProtocolAttributes;
import io.github.proxyproto4j.core.SslInfo;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Answers every request, whatever its method, with what the server knows about it, in the format of the
 * Kubernetes echo server: host name, pod, server, request, headers, body, and then the PROXY header the
 * connection came with. {@code client_address} is {@link HttpServletRequest#getRemoteAddr()}: the real
 * client when a trusted load balancer sent a PROXY header, the load balancer otherwise.
 */
public class EchoServlet extends HttpServlet {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final String NONE = "-none-";

    /** Looked up once: a reverse lookup per request would be slow, and the answer does not change. */
    private static final String HOSTNAME = hostname();

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String text = render(request);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/plain");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * Renders the answer to a request. Reads the request body.
     *
     * @param request the request
     * @return the text/plain answer
     * @throws IOException if the body cannot be read
     */
    static String render(HttpServletRequest request) throws IOException {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("Hostname: ").append(HOSTNAME).append("\n\n");

        sb.append("Pod Information:\n");
        if (System.getenv("MY_POD_NAME") != null) {
            line(sb, "node name", env("MY_NODE_NAME"));
            line(sb, "pod name", env("MY_POD_NAME"));
            line(sb, "pod namespace", env("MY_POD_NAMESPACE"));
            line(sb, "pod IP", env("MY_POD_IP"));
        } else {
            sb.append("\t-no pod information available-\n");
        }
        sb.append('\n');

        sb.append("Server values:\n");
        ServletContext context = request.getServletContext();
        line(sb, "server_version", context != null ? context.getServerInfo() : "");
        sb.append('\n');

        String query = request.getQueryString();
        sb.append("Request Information:\n");
        line(sb, "client_address", request.getRemoteAddr());
        line(sb, "method", request.getMethod());
        line(sb, "real path", request.getRequestURI());
        line(sb, "query", query == null ? "" : query);
        line(sb, "request_version", request.getProtocol());
        line(sb, "request_scheme", request.getScheme());
        line(sb, "request_uri", requestUrl(request, query));
        sb.append('\n');

        sb.append("Request Headers:\n");
        for (String name : Collections.list(request.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            for (String value : Collections.list(request.getHeaders(name))) {
                line(sb, lower, value);
            }
        }
        sb.append('\n');

        sb.append("Request Body:\n");
        String body = body(request);
        if (body.isEmpty()) {
            sb.append("\t-no body in request-\n");
        } else {
            sb.append('\t').append(body).append('\n');
        }
        sb.append('\n');

        sb.append("Proxy Information:\n");
        if (request.getAttribute(ProxyProtocolAttributes.HEADER) instanceof ProxyHeader header) {
            proxy(sb, header, request.getAttribute(ProxyProtocolAttributes.PROXY_ADDRESS));
        } else {
            sb.append("\t-no PROXY header-\n");
        }
        return sb.toString();
    }

    private static void proxy(StringBuilder sb, ProxyHeader header, Object proxyAddress) {
        line(sb, "version", Integer.toString(header.version()));
        line(sb, "command", header.command().name());
        line(sb, "source", format(header.sourceAddress()));
        line(sb, "destination", format(header.destinationAddress()));
        line(sb, "proxy_address", proxyAddress == null ? NONE : proxyAddress.toString());
        header.alpn().ifPresent(v -> line(sb, "alpn", v));
        header.authority().ifPresent(v -> line(sb, "authority", v));
        header.uniqueId().ifPresent(v -> line(sb, "unique_id", HexFormat.of().formatHex(v)));
        header.ssl().ifPresent(ssl -> ssl(sb, ssl));
        header.awsVpcEndpointId().ifPresent(v -> line(sb, "aws.vpce_id", v));
        header.azurePrivateLinkId().ifPresent(v -> line(sb, "azure.link_id", Long.toString(v)));
        header.gcpPscConnectionId().ifPresent(v -> line(sb, "gcp.psc_connection_id", Long.toUnsignedString(v)));
        header.netns().ifPresent(v -> line(sb, "netns", v));
    }

    private static void ssl(StringBuilder sb, SslInfo ssl) {
        line(sb, "ssl.client", Boolean.toString(ssl.clientSsl()));
        line(sb, "ssl.verified", Boolean.toString(ssl.verified()));
        ssl.version().ifPresent(v -> line(sb, "ssl.version", v));
        ssl.commonName().ifPresent(v -> line(sb, "ssl.cn", v));
        ssl.cipher().ifPresent(v -> line(sb, "ssl.cipher", v));
    }

    /** {@code ip:port} without the slash {@link InetSocketAddress#toString()} adds; IPv6 in brackets. */
    static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress isa) {
            InetAddress ip = isa.getAddress();
            String host = ip != null ? ip.getHostAddress() : isa.getHostString();
            if (ip instanceof Inet6Address || (ip == null && host.indexOf(':') >= 0)) {
                host = '[' + host + ']';
            }
            return host + ':' + isa.getPort();
        }
        if (address instanceof UnixDomainSocketAddress uds) {
            return uds.getPath().toString();
        }
        return address == null ? NONE : address.toString();
    }

    /** scheme://host:port/path?query, the port always shown. */
    private static String requestUrl(HttpServletRequest request, String query) {
        String host = request.getServerName();
        if (host != null && host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = '[' + host + ']';
        }
        StringBuilder url = new StringBuilder();
        url.append(request.getScheme()).append("://").append(host).append(':').append(request.getServerPort())
                .append(request.getRequestURI());
        if (query != null) {
            url.append('?').append(query);
        }
        return url.toString();
    }

    private static String body(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void line(StringBuilder sb, String name, String value) {
        sb.append('\t').append(name).append('=').append(value == null ? "" : value).append('\n');
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "N/A" : v;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "localhost";
        }
    }
}

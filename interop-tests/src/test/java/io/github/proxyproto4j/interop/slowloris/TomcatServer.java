package io.github.proxyproto4j.interop.slowloris;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http11.Http11NioProtocol;

/** Tomcat 11 with a {@link ProxyProtocolHttp11NioProtocol} connector and a plain NIO connector beside it. */
final class TomcatServer implements ServerUnderTest {
    /** The PROXY connector's thread names start so ({@code getNamePrefix()}); the plain one's with http-nio-. */
    private static final String PROXY_THREADS = "http-proxyproto4j-nio-";

    private final Tomcat tomcat;
    private final Connector proxy;
    private final Connector plain;
    private final ProxyProtocolHttp11NioProtocol protocol;
    private final PeakPending peak = new PeakPending();
    private final Path base;

    private TomcatServer(ProxyProtocolConfig config, Duration idleTimeout, int backlog) throws Exception {
        base = Files.createTempDirectory("slowloris-tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        protocol = new ProxyProtocolHttp11NioProtocol(config);
        protocol.addProxyProtocolListener(peak);
        proxy = new Connector(protocol);
        plain = new Connector(new PlainProtocol());
        for (Connector c : new Connector[] {proxy, plain}) {
            c.setPort(0);
            c.setProperty("address", "127.0.0.1");
            c.setProperty("connectionTimeout", Long.toString(idleTimeout.toMillis()));
            c.setProperty("acceptCount", Integer.toString(backlog)); // the attack opens connections in bursts
            tomcat.getService().addConnector(c);
        }
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "client-address", new ClientAddressServlet());
        context.addServletMappingDecoded("/*", "client-address");
        tomcat.start();
        for (Connector c : new Connector[] {proxy, plain}) {
            if (c.getState() != LifecycleState.STARTED) {
                close();
                throw new IllegalStateException("connector did not start: " + c);
            }
        }
    }

    /**
     * @param config the PROXY connector's settings
     * @param idleTimeout both connectors' connectionTimeout (after the header, on the PROXY one)
     * @param backlog both connectors' acceptCount
     * @return the started server
     * @throws Exception if it cannot start
     */
    static TomcatServer start(ProxyProtocolConfig config, Duration idleTimeout, int backlog) throws Exception {
        return new TomcatServer(config, idleTimeout, backlog);
    }

    @Override
    public String name() {
        return "tomcat";
    }

    @Override
    public int proxyPort() {
        return proxy.getLocalPort();
    }

    @Override
    public int plainPort() {
        return plain.getLocalPort();
    }

    @Override
    public ProxyProtocolCounters counters() {
        return protocol.getProxyProtocolCounters();
    }

    @Override
    public PeakPending peakPending() {
        return peak;
    }

    @Override
    public long plainConnections() {
        return ((PlainProtocol) plain.getProtocolHandler()).openConnections();
    }

    /** The PROXY connector's acceptor and poller: they must only accept and select, never read a header. */
    @Override
    public boolean watched(ThreadInfo thread) {
        String n = thread.getThreadName();
        return n.startsWith(PROXY_THREADS) && (n.endsWith("-Acceptor") || n.endsWith("-Poller"));
    }

    @Override
    public boolean watchedIsStrict() {
        return true;
    }

    @Override
    public void close() throws Exception {
        try {
            if (tomcat.getServer().getState().isAvailable()) {
                tomcat.stop();
            }
            if (tomcat.getServer().getState() != LifecycleState.DESTROYED) {
                tomcat.destroy();
            }
        } finally {
            try (java.util.stream.Stream<Path> paths = Files.walk(base)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // a temporary directory left behind is harmless
            }
        }
    }

    /**
     * Tomcat's plain HTTP/1.1 NIO protocol, which can tell its open connections: the public connection count is one
     * ahead while the acceptor waits (it counts the next socket before accepting it).
     */
    private static final class PlainProtocol extends Http11NioProtocol {
        int openConnections() {
            return getEndpoint().getConnections().size();
        }
    }

    /** Answers every request with the remote address the connection reports. */
    private static final class ClientAddressServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain; charset=US-ASCII");
            resp.getWriter().print("client_address=" + req.getRemoteAddr() + "\n");
        }
    }
}

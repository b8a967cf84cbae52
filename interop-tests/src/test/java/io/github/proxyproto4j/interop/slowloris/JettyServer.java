package io.github.proxyproto4j.interop.slowloris;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.jetty.ProxyProtocolConnectionFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/** Jetty 12 with {@link ProxyProtocolConnectionFactory} first on one connector and a plain connector beside it. */
final class JettyServer implements ServerUnderTest {
    private final Server server;
    private final ServerConnector proxy;
    private final ServerConnector plain;
    private final ProxyProtocolConnectionFactory factory;
    private final PeakPending peak = new PeakPending();

    private JettyServer(ProxyProtocolConfig config, Duration idleTimeout, int backlog) throws Exception {
        server = new Server();
        factory = new ProxyProtocolConnectionFactory(config);
        factory.addListener(peak);
        proxy = new ServerConnector(server, factory, new HttpConnectionFactory());
        plain = new ServerConnector(server, new HttpConnectionFactory());
        for (ServerConnector c : new ServerConnector[] {proxy, plain}) {
            c.setHost("127.0.0.1");
            c.setPort(0);
            c.setIdleTimeout(idleTimeout.toMillis());
            c.setAcceptQueueSize(backlog); // the attack opens connections in bursts; the JDK's default is 50
            server.addConnector(c);
        }
        server.setHandler(new ClientAddressHandler());
        server.start();
    }

    /**
     * @param config the PROXY port's settings
     * @param idleTimeout both connectors' idle timeout
     * @param backlog both connectors' accept queue
     * @return the started server
     * @throws Exception if it cannot start
     */
    static JettyServer start(ProxyProtocolConfig config, Duration idleTimeout, int backlog) throws Exception {
        return new JettyServer(config, idleTimeout, backlog);
    }

    @Override
    public String name() {
        return "jetty";
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
        return factory.getCounters();
    }

    @Override
    public PeakPending peakPending() {
        return peak;
    }

    @Override
    public long plainConnections() {
        return plain.getConnectedEndPoints().size();
    }

    /** Selector threads are pool threads, recognised by what they run; the acceptor by its name. */
    @Override
    public boolean watched(ThreadInfo thread) {
        if (thread.getThreadName().contains("acceptor")) {
            return true;
        }
        for (StackTraceElement e : thread.getStackTrace()) {
            if (e.getClassName().startsWith("org.eclipse.jetty.io.ManagedSelector")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean watchedIsStrict() {
        return false; // Jetty may run a connection's read on the selector thread by design (produce-execute-consume)
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** Answers every request with the remote address the connection reports. */
    private static final class ClientAddressHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=US-ASCII");
            Content.Sink.write(response, true, "client_address=" + Request.getRemoteAddr(request) + "\n", callback);
            return true;
        }
    }
}

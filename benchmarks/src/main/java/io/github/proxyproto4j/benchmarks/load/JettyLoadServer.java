package io.github.proxyproto4j.benchmarks.load;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.jetty.ProxyProtocolConnectionFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;

/**
 * One Jetty server with three connectors that differ only in what reads the connection before HTTP/1.1: nothing,
 * ours, or Jetty's built-in {@link ProxyConnectionFactory}. They share the server's thread pool and handler, so a
 * comparison between two of them measures the connection factory and nothing else.
 */
final class JettyLoadServer implements AutoCloseable {
    private final Server server;
    private final Map<Port, ServerConnector> connectors;

    private JettyLoadServer(Server server, Map<Port, ServerConnector> connectors) {
        this.server = server;
        this.connectors = connectors;
    }

    /**
     * @param config ours's configuration
     * @param handler whether the handler declares itself blocking (as a servlet container does) or non-blocking
     * @return the started server
     * @throws Exception if it cannot start
     */
    static JettyLoadServer start(ProxyProtocolConfig config, JettyHandler handler) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        String h1 = HttpVersion.HTTP_1_1.asString();
        Map<Port, ServerConnector> connectors = new EnumMap<>(Port.class);
        connectors.put(Port.PLAIN, connector(server, new HttpConnectionFactory(http)));
        connectors.put(Port.OURS, connector(server,
                new ProxyProtocolConnectionFactory(config, h1), new HttpConnectionFactory(http)));
        connectors.put(Port.JETTY_BUILTIN, connector(server,
                new ProxyConnectionFactory(h1), new HttpConnectionFactory(http)));
        connectors.values().forEach(server::addConnector);
        server.setHandler(new RemoteAddressHandler(handler.invocationType()));
        server.start();
        return new JettyLoadServer(server, connectors);
    }

    private static ServerConnector connector(Server server, ConnectionFactory... factories) {
        ServerConnector c = new ServerConnector(server, factories);
        c.setHost("127.0.0.1");
        c.setPort(0);
        c.setAcceptQueueSize(1024); // churn opens connections fast; the default backlog (50) could drop SYNs
        return c;
    }

    Map<Port, Integer> ports() {
        Map<Port, Integer> ports = new EnumMap<>(Port.class);
        connectors.forEach((port, c) -> ports.put(port, c.getLocalPort()));
        return ports;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /**
     * Jetty's core API, no servlet layer: the remote address as a text body with a Content-Length. Its invocation
     * type decides whether Jetty may run it on the selector thread (non-blocking) or hands it to a pool thread.
     */
    static final class RemoteAddressHandler extends Handler.Abstract {
        RemoteAddressHandler(InvocationType invocationType) {
            super(invocationType);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            byte[] body = Request.getRemoteAddr(request).getBytes(StandardCharsets.US_ASCII);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }
}

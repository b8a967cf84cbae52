package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.util.function.Consumer;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A Jetty server on 127.0.0.1 with a PROXY connector [proxy, http/1.1, h2c] serving {@link EchoHandler}. */
final class JettyFixture implements AutoCloseable {
    final Server server = new Server();
    final ProxyProtocolConnectionFactory proxy;
    final ServerConnector connector;

    JettyFixture(ProxyProtocolConfig config) throws Exception {
        this(new ProxyProtocolConnectionFactory(config));
    }

    JettyFixture(ProxyProtocolConnectionFactory proxy, ConnectionFactory... after) throws Exception {
        this(proxy, server -> { }, after);
    }

    /**
     * @param beforeStart runs just before the server starts, e.g. to add beans, a request log or another handler
     */
    JettyFixture(ProxyProtocolConnectionFactory proxy, Consumer<Server> beforeStart, ConnectionFactory... after)
            throws Exception {
        this.proxy = proxy;
        HttpConfiguration http = new HttpConfiguration();
        ConnectionFactory[] factories;
        if (after.length == 0) {
            factories = new ConnectionFactory[] {proxy, new HttpConnectionFactory(http),
                new HTTP2CServerConnectionFactory(http)};
        } else {
            factories = new ConnectionFactory[after.length + 1];
            factories[0] = proxy;
            System.arraycopy(after, 0, factories, 1, after.length);
        }
        connector = new ServerConnector(server, factories);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new EchoHandler());
        beforeStart.accept(server);
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}

package io.github.proxyproto4j.benchmarks.load;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * One embedded Tomcat with two NIO connectors that differ only in their protocol: Tomcat's
 * {@code Http11NioProtocol}, or ours. They share the service's engine and servlet, so the comparison measures
 * the connector.
 */
final class TomcatLoadServer implements AutoCloseable {
    private final Tomcat tomcat;
    private final Map<Port, Connector> connectors;

    private TomcatLoadServer(Tomcat tomcat, Map<Port, Connector> connectors) {
        this.tomcat = tomcat;
        this.connectors = connectors;
    }

    static TomcatLoadServer start(ProxyProtocolConfig config) throws Exception {
        Path base = Files.createTempDirectory("load-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Map<Port, Connector> connectors = new EnumMap<>(Port.class);
        connectors.put(Port.PLAIN, new Connector("HTTP/1.1"));
        connectors.put(Port.OURS, new Connector(new ProxyProtocolHttp11NioProtocol(config)));
        for (Connector c : connectors.values()) {
            c.setPort(0);
            c.setProperty("address", "127.0.0.1");
            c.setProperty("maxKeepAliveRequests", "-1"); // the default, 100, would close keep-alive runs early
            c.setProperty("acceptCount", "1024");
            tomcat.getService().addConnector(c);
        }
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "remote-address", new RemoteAddressServlet());
        context.addServletMappingDecoded("/*", "remote-address");
        tomcat.start();
        for (Connector c : connectors.values()) {
            if (c.getState() != LifecycleState.STARTED) {
                throw new IllegalStateException("Tomcat connector " + c + " did not start");
            }
        }
        return new TomcatLoadServer(tomcat, connectors);
    }

    Map<Port, Integer> ports() {
        Map<Port, Integer> ports = new EnumMap<>(Port.class);
        connectors.forEach((port, c) -> ports.put(port, c.getLocalPort()));
        return ports;
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    /** The remote address as a text body with a Content-Length. */
    static final class RemoteAddressServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body = request.getRemoteAddr().getBytes(StandardCharsets.US_ASCII);
            response.setContentType("text/plain");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}

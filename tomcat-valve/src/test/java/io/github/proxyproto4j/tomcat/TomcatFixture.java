package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.File;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.ProtocolHandler;

/** An embedded Tomcat on 127.0.0.1 with one PROXY protocol connector and the Valve, serving {@link EchoServlet}. */
final class TomcatFixture implements AutoCloseable {
    /** Runs just before Tomcat starts: add valves, set connector properties. */
    @FunctionalInterface
    interface BeforeStart {
        void accept(TomcatFixture fixture) throws Exception;
    }

    final Tomcat tomcat = new Tomcat();
    /** The connector's protocol, or null when it is not ours (e.g. a plain Http11NioProtocol). */
    final ProxyProtocolHttp11NioProtocol protocol;
    final Connector connector;
    /** The root context, serving {@link EchoServlet} at {@code /*}; tests may add servlets before the start. */
    final Context context;

    TomcatFixture(ProxyProtocolConfig config) throws Exception {
        this(config, true);
    }

    TomcatFixture(ProxyProtocolConfig config, boolean valve) throws Exception {
        this(config, valve, f -> { });
    }

    TomcatFixture(ProxyProtocolConfig config, boolean valve, BeforeStart beforeStart) throws Exception {
        this(new Connector(new ProxyProtocolHttp11NioProtocol(config)), valve, beforeStart);
    }

    /**
     * @param connector any connector, e.g. one made server.xml-style from a protocol class name
     * @param valve whether to add {@link ProxyProtocolValve} to the engine
     * @param beforeStart runs just before the start
     */
    TomcatFixture(Connector connector, boolean valve, BeforeStart beforeStart) throws Exception {
        File base = Files.createTempDirectory("tomcat").toFile();
        tomcat.setBaseDir(base.getAbsolutePath());
        this.connector = connector;
        ProtocolHandler handler = connector.getProtocolHandler();
        protocol = handler instanceof ProxyProtocolHttp11NioProtocol p ? p : null;
        connector.setProperty("address", "127.0.0.1");
        connector.setPort(0);
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        context = tomcat.addContext("", base.getAbsolutePath());
        Tomcat.addServlet(context, "echo", new EchoServlet());
        context.addServletMappingDecoded("/*", "echo");
        if (valve) {
            tomcat.getEngine().getPipeline().addValve(new ProxyProtocolValve());
        }
        beforeStart.accept(this);
        try {
            tomcat.start();
        } catch (Exception | Error e) {
            try {
                close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }
}

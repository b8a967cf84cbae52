package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.File;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/** An embedded Tomcat on 127.0.0.1 with one PROXY protocol connector and the Valve, serving {@link EchoServlet}. */
final class TomcatFixture implements AutoCloseable {
    final Tomcat tomcat = new Tomcat();
    final ProxyProtocolHttp11NioProtocol protocol;
    final Connector connector;

    TomcatFixture(ProxyProtocolConfig config) throws Exception {
        this(config, true);
    }

    TomcatFixture(ProxyProtocolConfig config, boolean valve) throws Exception {
        File base = Files.createTempDirectory("tomcat").toFile();
        tomcat.setBaseDir(base.getAbsolutePath());
        protocol = new ProxyProtocolHttp11NioProtocol(config);
        connector = new Connector(protocol);
        connector.setProperty("address", "127.0.0.1");
        connector.setPort(0);
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.getAbsolutePath());
        Tomcat.addServlet(context, "echo", new EchoServlet());
        context.addServletMappingDecoded("/*", "echo");
        if (valve) {
            tomcat.getEngine().getPipeline().addValve(new ProxyProtocolValve());
        }
        tomcat.start();
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

package io.github.proxyproto4j.spring.boot;

import io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol;
import java.util.Arrays;
import java.util.List;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Connector;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

/** The running Tomcat of a test's context. */
final class Servers {
    private Servers() {
    }

    static TomcatWebServer tomcat(ApplicationContext context) {
        return (TomcatWebServer) ((WebServerApplicationContext) context).getWebServer();
    }

    static List<Connector> connectors(ApplicationContext context) {
        return Arrays.asList(tomcat(context).getTomcat().getService().findConnectors());
    }

    static Connector proxyConnector(ApplicationContext context) {
        return connectors(context).stream().filter(c -> c.getProtocolHandler() instanceof ProxyProtocolHttp11NioProtocol)
                .findFirst().orElseThrow(() -> new AssertionError("no PROXY protocol connector"));
    }

    /** @return the engine's valves, in order */
    static List<String> engineValves(ApplicationContext context) {
        return Arrays.stream(tomcat(context).getTomcat().getEngine().getPipeline().getValves())
                .map(Valve::getClass).map(Class::getSimpleName).toList();
    }
}

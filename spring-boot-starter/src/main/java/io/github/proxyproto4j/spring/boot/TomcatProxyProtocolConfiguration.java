package io.github.proxyproto4j.spring.boot;

import io.github.proxyproto4j.tomcat.ForwardedHeadersGuardValve;
import io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol;
import io.github.proxyproto4j.tomcat.ProxyProtocolValve;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.http2.Http2Protocol;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.tomcat.SslConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Http2;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Tomcat: the PROXY protocol on server.port or on an extra connector, through a factory customizer. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({Tomcat.class, ProxyProtocolHttp11NioProtocol.class, TomcatServletWebServerFactory.class})
class TomcatProxyProtocolConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> proxyProtocolTomcatCustomizer(ProxyProtocolSetup setup,
            ObjectProvider<SslBundles> sslBundles) {
        return new Customizer(setup, sslBundles);
    }

    @Bean
    ProxyProtocolPortLocator tomcatProxyProtocolPortLocator(ProxyProtocolSetup setup) {
        return server -> {
            if (setup.onMainPort() || !(server instanceof TomcatWebServer tomcat)) {
                return OptionalInt.empty();
            }
            for (Connector c : tomcat.getTomcat().getService().findConnectors()) {
                if (c.getProtocolHandler() instanceof ProxyProtocolHttp11NioProtocol && c.getLocalPort() > 0) {
                    return OptionalInt.of(c.getLocalPort());
                }
            }
            return OptionalInt.empty();
        };
    }

    /**
     * Runs after Boot's own customizers, so the factory already holds server.address and server.http2 for the extra
     * connector; the guard and the attributes Valve are put first among the engine Valves all the same, ahead of
     * Boot's RemoteIpValve.
     */
    static final class Customizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {
        private final ProxyProtocolSetup setup;
        private final ObjectProvider<SslBundles> sslBundles;

        Customizer(ProxyProtocolSetup setup, ObjectProvider<SslBundles> sslBundles) {
            this.setup = setup;
            this.sslBundles = sslBundles;
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            List<Valve> valves = new ArrayList<>();
            valves.add(new ForwardedHeadersGuardValve(setup.forwardedTrusted()));
            valves.add(new ProxyProtocolValve());
            valves.addAll(factory.getEngineValves());
            factory.setEngineValves(valves);
            if (setup.onMainPort()) {
                // server.ssl.* and server.http2.enabled keep working: only the protocol class changes.
                factory.setProtocol(ProxyProtocolHttp11NioProtocol.class.getName());
                factory.addConnectorCustomizers(connector -> {
                    if (connector.getProtocolHandler() instanceof ProxyProtocolHttp11NioProtocol p) {
                        configure(p);
                    }
                });
            } else {
                factory.addAdditionalConnectors(extraConnector(factory));
            }
        }

        private void configure(ProxyProtocolHttp11NioProtocol protocol) {
            protocol.setProxyProtocolConfig(setup.config());
            setup.listeners().forEach(protocol::addProxyProtocolListener);
        }

        /** Boot does not customise additional connectors: TLS comes from proxy-protocol.ssl.bundle. */
        private Connector extraConnector(TomcatServletWebServerFactory factory) {
            ProxyProtocolHttp11NioProtocol protocol = new ProxyProtocolHttp11NioProtocol();
            configure(protocol);
            Connector connector = new Connector(protocol);
            connector.setPort(setup.extraPort());
            if (factory.getAddress() != null) {
                connector.setProperty("address", factory.getAddress().getHostAddress());
            }
            if (setup.sslBundle() != null) {
                SslBundles bundles = sslBundles.getIfAvailable();
                if (bundles == null) {
                    throw new ProxyProtocolConfigurationException("proxy-protocol.ssl.bundle",
                            "proxy-protocol.ssl.bundle=" + setup.sslBundle() + " but no SSL bundles are configured", null);
                }
                SslConnectorCustomizer tls = new SslConnectorCustomizer(
                        LogFactory.getLog(TomcatProxyProtocolConfiguration.class), connector, null);
                tls.customize(bundle(bundles), Map.of());
                // as Boot does for server.ssl.bundle: a reloadable bundle's new certificate replaces the old one
                bundles.addBundleUpdateHandler(setup.sslBundle(), updated -> tls.update(null, updated));
            }
            Http2 http2 = factory.getHttp2();
            if (http2 != null && http2.isEnabled()) {
                connector.addUpgradeProtocol(new Http2Protocol());
            }
            return connector;
        }

        private org.springframework.boot.ssl.SslBundle bundle(SslBundles bundles) {
            try {
                return bundles.getBundle(setup.sslBundle());
            } catch (RuntimeException e) {
                throw new ProxyProtocolConfigurationException("proxy-protocol.ssl.bundle",
                        "proxy-protocol.ssl.bundle=" + setup.sslBundle() + ": " + e.getMessage(), e);
            }
        }
    }
}

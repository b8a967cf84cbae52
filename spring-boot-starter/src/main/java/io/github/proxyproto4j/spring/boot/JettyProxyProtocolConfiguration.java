package io.github.proxyproto4j.spring.boot;

import io.github.proxyproto4j.jetty.ForwardedHeadersGuard;
import io.github.proxyproto4j.jetty.ProxyProtocolConnectionFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.Http2;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/** Jetty: the PROXY protocol on server.port or on an extra connector, through a factory customizer. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({Server.class, ProxyProtocolConnectionFactory.class, JettyServletWebServerFactory.class})
class JettyProxyProtocolConfiguration {
    /** The name our extra connector gets, to find it again. */
    static final String CONNECTOR_NAME = "proxy-protocol";

    @Bean
    WebServerFactoryCustomizer<JettyServletWebServerFactory> proxyProtocolJettyCustomizer(ProxyProtocolSetup setup,
            ObjectProvider<SslBundles> sslBundles) {
        return new Customizer(setup, sslBundles);
    }

    @Bean
    ProxyProtocolPortLocator jettyProxyProtocolPortLocator(ProxyProtocolSetup setup) {
        return server -> {
            if (setup.onMainPort() || !(server instanceof JettyWebServer jetty)) {
                return OptionalInt.empty();
            }
            for (Connector c : jetty.getServer().getConnectors()) {
                if (CONNECTOR_NAME.equals(c.getName()) && c instanceof ServerConnector sc && sc.getLocalPort() > 0) {
                    return OptionalInt.of(sc.getLocalPort());
                }
            }
            return OptionalInt.empty();
        };
    }

    static final class Customizer implements WebServerFactoryCustomizer<JettyServletWebServerFactory>, Ordered {
        private final ProxyProtocolSetup setup;
        private final ObjectProvider<SslBundles> sslBundles;

        Customizer(ProxyProtocolSetup setup, ObjectProvider<SslBundles> sslBundles) {
            this.setup = setup;
            this.sslBundles = sslBundles;
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }

        @Override
        public void customize(JettyServletWebServerFactory factory) {
            // Server customizers run after Boot's connectors (SSL included) exist, and after every factory
            // customizer: server.http2.* is only set on the factory by Boot's customizer, which runs after this one.
            factory.addServerCustomizers(server -> {
                Http2 http2 = factory.getHttp2();
                boolean h2 = http2 != null && http2.isEnabled();
                if (setup.onMainPort()) {
                    for (Connector c : server.getConnectors()) {
                        if (c instanceof AbstractConnector connector) {
                            connector.addFirstConnectionFactory(newFactory());
                        }
                    }
                } else {
                    server.addConnector(extraConnector(server, factory, h2));
                }
                guardForwardedHeaders(server);
            });
        }

        private ProxyProtocolConnectionFactory newFactory() {
            ProxyProtocolConnectionFactory f = new ProxyProtocolConnectionFactory(setup.config());
            setup.listeners().forEach(f::addListener);
            return f;
        }

        /** Before Jetty's ForwardedRequestCustomizer, which Boot adds without any trust list. */
        private void guardForwardedHeaders(Server server) {
            for (Connector c : server.getConnectors()) {
                for (ConnectionFactory f : c.getConnectionFactories()) {
                    HttpConfiguration http = ProxyProtocolConnectionFactory.httpConfiguration(f); // h2 too
                    if (http != null) {
                        List<HttpConfiguration.Customizer> customizers = http.getCustomizers();
                        if (customizers.stream().noneMatch(ForwardedHeadersGuard.class::isInstance)) {
                            customizers.add(0, new ForwardedHeadersGuard(setup.forwardedTrusted()));
                        }
                    }
                }
            }
        }

        /** Boot does not customise additional connectors: TLS comes from proxy-protocol.ssl.bundle. */
        private ServerConnector extraConnector(Server server, JettyServletWebServerFactory factory, boolean h2) {
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            List<ConnectionFactory> factories = new ArrayList<>();
            factories.add(newFactory());
            if (setup.sslBundle() != null) {
                http.addCustomizer(new SecureRequestCustomizer());
                SslContextFactory.Server tls = new SslContextFactory.Server();
                tls.setSslContext(bundle().createSslContext());
                boolean alpn = h2 && ClassUtils.isPresent("org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory",
                        getClass().getClassLoader());
                if (alpn) {
                    tls.setCipherComparator(org.eclipse.jetty.http2.HTTP2Cipher.COMPARATOR);
                    factories.add(new SslConnectionFactory(tls, "alpn"));
                    ALPNServerConnectionFactory negotiation = new ALPNServerConnectionFactory("h2", "http/1.1");
                    negotiation.setDefaultProtocol("http/1.1");
                    factories.add(negotiation);
                    factories.add(new HTTP2ServerConnectionFactory(http));
                } else {
                    factories.add(new SslConnectionFactory(tls, "http/1.1"));
                }
                factories.add(new HttpConnectionFactory(http));
            } else {
                factories.add(new HttpConnectionFactory(http));
                if (h2) {
                    factories.add(new HTTP2CServerConnectionFactory(http));
                }
            }
            ServerConnector connector = new ServerConnector(server, factories.toArray(ConnectionFactory[]::new));
            connector.setName(CONNECTOR_NAME);
            connector.setPort(setup.extraPort());
            if (factory.getAddress() != null) {
                connector.setHost(factory.getAddress().getHostAddress());
            }
            return connector;
        }

        private SslBundle bundle() {
            SslBundles bundles = sslBundles.getIfAvailable();
            if (bundles == null) {
                throw new ProxyProtocolConfigurationException("proxy-protocol.ssl.bundle",
                        "proxy-protocol.ssl.bundle=" + setup.sslBundle() + " but no SSL bundles are configured", null);
            }
            try {
                return bundles.getBundle(setup.sslBundle());
            } catch (RuntimeException e) {
                throw new ProxyProtocolConfigurationException("proxy-protocol.ssl.bundle",
                        "proxy-protocol.ssl.bundle=" + setup.sslBundle() + ": " + e.getMessage(), e);
            }
        }
    }
}

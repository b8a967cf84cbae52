package io.github.proxyproto4j.spring.boot;

import io.github.proxyproto4j.core.ProxyProtocolListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Requires a PROXY header on server.port ({@code proxy-protocol.enabled=true}) or on an extra port
 * ({@code proxy-protocol.port}), on Tomcat or Jetty, whichever the app runs. Tiny on purpose: the checks live in
 * {@link ProxyProtocolSetup}, the server glue in the adapters.
 */
// After the MeterRegistry (Actuator), for @ConditionalOnBean(MeterRegistry.class) below.
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Conditional(OnProxyProtocolCondition.class)
@EnableConfigurationProperties(ProxyProtocolProperties.class)
@Import({TomcatProxyProtocolConfiguration.class, JettyProxyProtocolConfiguration.class})
public class ProxyProtocolAutoConfiguration {

    /**
     * @param properties the {@code proxy-protocol.*} properties
     * @param environment for {@code server.port}
     * @param listeners listener beans, e.g. Micrometer's
     * @return the checked setup
     */
    @Bean
    ProxyProtocolSetup proxyProtocolSetup(ProxyProtocolProperties properties, Environment environment,
            ObjectProvider<ProxyProtocolListener> listeners) {
        return new ProxyProtocolSetup(properties, environment.getProperty("server.port", Integer.class),
                listeners.orderedStream().toList());
    }

    /**
     * Publishes the extra port's actual number as {@code local.proxy-protocol.port}, as Boot does for server.port,
     * and logs the start-up line with the bound port.
     */
    @Bean
    ProxyProtocolPortPublisher proxyProtocolPortPublisher(ProxyProtocolSetup setup, List<ProxyProtocolPortLocator> locators) {
        return new ProxyProtocolPortPublisher(setup, locators);
    }

    /** Micrometer metrics, when a registry is there (Actuator). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class MetricsConfiguration {
        @Bean
        @ConditionalOnBean(MeterRegistry.class)
        ProxyProtocolMetrics proxyProtocolMetrics(MeterRegistry registry) {
            return new ProxyProtocolMetrics(registry);
        }
    }
}

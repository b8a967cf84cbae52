package io.github.proxyproto4j.spring.boot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Once the web server is up: sets {@code local.proxy-protocol.port} to the extra port's bound number (like
 * {@code local.server.port}), and logs the one INFO line saying which port requires PROXY. A separate management
 * server (Actuator's {@code management.server.port}, a child context) has no PROXY connector and is left alone.
 */
public class ProxyProtocolPortPublisher implements ApplicationListener<WebServerInitializedEvent>, ApplicationContextAware {
    /** The property with the extra PROXY port's bound number. */
    public static final String PROPERTY = "local.proxy-protocol.port";
    private static final String SOURCE = "proxy-protocol.ports";

    private final ProxyProtocolSetup setup;
    private final List<ProxyProtocolPortLocator> locators;
    private ApplicationContext context;

    /**
     * @param setup what the starter applies
     * @param locators one per server kind present
     */
    public ProxyProtocolPortPublisher(ProxyProtocolSetup setup, List<ProxyProtocolPortLocator> locators) {
        this.setup = setup;
        this.locators = List.copyOf(locators);
    }

    @Override
    public void setApplicationContext(ApplicationContext applicationContext) {
        this.context = applicationContext;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (setup.onMainPort()) {
            // The event of a child context (the management server) reaches this listener too.
            if (event.getApplicationContext() == context) {
                setup.logStartup(event.getWebServer().getPort());
            }
            return;
        }
        for (ProxyProtocolPortLocator locator : locators) {
            OptionalInt port = locator.find(event.getWebServer());
            if (port.isPresent()) {
                publish(event.getApplicationContext(), port.getAsInt());
                setup.logStartup(port.getAsInt());
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void publish(ApplicationContext context, int port) {
        if (context instanceof ConfigurableApplicationContext c) {
            MutablePropertySources sources = c.getEnvironment().getPropertySources();
            PropertySource<?> source = sources.get(SOURCE);
            if (source == null) {
                source = new MapPropertySource(SOURCE, new HashMap<>());
                sources.addFirst(source);
            }
            ((Map<String, Object>) source.getSource()).put(PROPERTY, port);
        }
        if (context.getParent() != null) {
            publish(context.getParent(), port);
        }
    }
}

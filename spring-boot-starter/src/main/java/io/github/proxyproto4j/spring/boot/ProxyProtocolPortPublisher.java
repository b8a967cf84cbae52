package io.github.proxyproto4j.spring.boot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/** Sets {@code local.proxy-protocol.port} once the web server is up, like {@code local.server.port}. */
public class ProxyProtocolPortPublisher implements ApplicationListener<WebServerInitializedEvent> {
    /** The property with the extra PROXY port's bound number. */
    public static final String PROPERTY = "local.proxy-protocol.port";
    private static final String SOURCE = "proxy-protocol.ports";

    private final List<ProxyProtocolPortLocator> locators;

    /**
     * @param locators one per server kind present
     */
    public ProxyProtocolPortPublisher(List<ProxyProtocolPortLocator> locators) {
        this.locators = List.copyOf(locators);
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        for (ProxyProtocolPortLocator locator : locators) {
            OptionalInt port = locator.find(event.getWebServer());
            if (port.isPresent()) {
                publish(event.getApplicationContext(), port.getAsInt());
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

package io.github.proxyproto4j.samples.boot;

import io.github.proxyproto4j.samples.echo.EchoServlet;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The echo servlet in a Spring Boot app on Tomcat. Nothing here is about the PROXY protocol: the starter reads
 * {@code proxy-protocol.*} (application.properties sets {@code proxy-protocol.port=9080}) and adds the PROXY
 * connector next to {@code server.port}.
 */
@SpringBootApplication
public class EchoApplication {

    /**
     * The echo servlet answers every path. Spring MVC, and with it Actuator, is moved to {@code /actuator/*}
     * ({@code spring.mvc.servlet.path}): the longer prefix wins, so {@code /actuator/health} still reaches it.
     *
     * @return the registration of the echo servlet at {@code /*}
     */
    @Bean
    ServletRegistrationBean<EchoServlet> echoServlet() {
        return new ServletRegistrationBean<>(new EchoServlet(), "/*");
    }

    /**
     * Starts the app; every {@code --name=value} argument is a Spring Boot property.
     *
     * @param args e.g. {@code --proxy-protocol.trusted-proxies=10.0.0.0/8}
     */
    public static void main(String[] args) {
        SpringApplication.run(EchoApplication.class, args);
    }
}

package io.github.proxyproto4j.interop;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.github.proxyproto4j.samples.boot.EchoApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * samples/echo-spring-boot (Spring Boot on Tomcat, PROXY through the starter) behind a real HAProxy 2.6, started
 * in this JVM as its main method would, with every port picked by the system.
 */
class SpringBootTomcatBehindHaproxyTest extends SpringBootSampleBehindHaproxyCells {
    private static ConfigurableApplicationContext app;
    private static int proxyPort;
    private static int plainPort;

    @BeforeAll
    static void startSample() {
        app = SpringApplication.run(EchoApplication.class, "--server.address=127.0.0.1", "--server.port=0",
                "--proxy-protocol.port=0", "--proxy-protocol.trusted-proxies=127.0.0.1/32");
        Integer proxy = app.getEnvironment().getProperty("local.proxy-protocol.port", Integer.class);
        Integer plain = app.getEnvironment().getProperty("local.server.port", Integer.class);
        assertNotNull(proxy, "local.proxy-protocol.port");
        assertNotNull(plain, "local.server.port");
        proxyPort = proxy;
        plainPort = plain;
    }

    @AfterAll
    static void stopSample() {
        if (app != null) {
            app.close();
        }
    }

    @Override
    int proxyPort() {
        return proxyPort;
    }

    @Override
    int plainPort() {
        return plainPort;
    }

    @Override
    String serverVersion() {
        return "Apache Tomcat/";
    }
}

package io.github.proxyproto4j.spring.boot;

import io.github.proxyproto4j.spring.boot.testapp.TestApp;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs the test app as {@code main} would, through {@link SpringApplication#run}: failure analyzers, Boot's
 * start-up report and logging all apply (SpringBootTest's cached contexts would log their start once per JVM).
 */
final class Apps {
    private Apps() {
    }

    /** @param args {@code --name=value} settings; localhost and a light app are added */
    static ConfigurableApplicationContext run(String... args) {
        List<String> all = new ArrayList<>(List.of("--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                "--spring.jmx.enabled=false", "--management.endpoints.access.default=none"));
        all.addAll(List.of(args));
        return new SpringApplication(TestApp.class).run(all.toArray(String[]::new));
    }

    /** @return what {@link #run} threw */
    static Throwable failure(String... args) {
        ConfigurableApplicationContext started;
        try {
            started = run(args);
        } catch (RuntimeException e) {
            return e;
        }
        started.close();
        throw new AssertionError("the application started");
    }
}

package io.github.proxyproto4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The start-up log, in Boot's own output: one INFO line with the port that requires PROXY, the mode, the trusted
 * proxies and the timeout; one WARN (from the core, through System.Logger and JUL) when trusted-proxies is empty.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupLogTest {

    private static List<String> lines(CapturedOutput output, String text) {
        return output.getAll().lines().filter(l -> l.contains(text)).toList();
    }

    @Test
    void serverPortWithoutTrustedProxies(CapturedOutput output) {
        int port;
        try (ConfigurableApplicationContext app = Apps.run("--server.port=0", "--proxy-protocol.enabled=true")) {
            port = app.getEnvironment().getProperty("local.server.port", Integer.class);
        }
        assertThat(lines(output, "PROXY protocol required")).singleElement().asString()
                .contains(" INFO ", "ProxyProtocolSetup", "PROXY protocol required on port " + port
                        + " (server.port): mode=required, trusted-proxies=(all), untrusted-action=reject, "
                        + "header-timeout=5s; forwarded headers ignored on PROXY connections");
        assertThat(lines(output, "trusted-proxies is empty")).singleElement().asString()
                .contains(" WARN ", "io.github.proxyproto4j", "so every peer may send a header");
    }

    @Test
    void anExtraPortWithTrustedProxies(CapturedOutput output) {
        int port;
        try (ConfigurableApplicationContext app = Apps.run("--server.port=0", "--proxy-protocol.port=0",
                "--proxy-protocol.mode=mixed", "--proxy-protocol.trusted-proxies=10.0.0.0/8,2001:db8::/32",
                "--proxy-protocol.header-timeout=1500ms", "--proxy-protocol.forwarded-trusted-proxies=10.1.2.3")) {
            port = app.getEnvironment().getProperty("local.proxy-protocol.port", Integer.class);
        }
        assertThat(lines(output, "PROXY protocol required")).singleElement().asString()
                .contains(" INFO ", "PROXY protocol required on port " + port + " (proxy-protocol.port): mode=mixed, "
                        + "trusted-proxies=10.0.0.0/8,2001:db8::/32, untrusted-action=reject, header-timeout=1500ms; "
                        + "forwarded headers honoured from 10.1.2.3");
        assertThat(lines(output, "trusted-proxies is empty")).isEmpty();
    }
}

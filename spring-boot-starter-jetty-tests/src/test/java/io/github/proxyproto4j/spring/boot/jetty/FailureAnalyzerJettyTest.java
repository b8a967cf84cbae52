package io.github.proxyproto4j.spring.boot.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.proxyproto4j.spring.boot.ProxyProtocolFailureAnalyzer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** Each invalid setting stops the app on Jetty before a port is bound, with a report naming the property. */
@ExtendWith(OutputCaptureExtension.class)
class FailureAnalyzerJettyTest {

    private static Throwable startFails(String... settings) {
        List<String> args = new ArrayList<>(List.of("--server.address=127.0.0.1"));
        if (Arrays.stream(settings).noneMatch(s -> s.startsWith("server.port="))) {
            args.add("--server.port=0");
        }
        for (String s : settings) {
            args.add("--" + s);
        }
        SpringApplication app = new SpringApplication(TestApp.class);
        try (ConfigurableApplicationContext started = app.run(args.toArray(String[]::new))) {
            return fail("started with " + args + " on " + started.getEnvironment().getProperty("local.server.port"));
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static FailureAnalysis analyze(String... settings) {
        Throwable e = startFails(settings);
        FailureAnalysis analysis = new ProxyProtocolFailureAnalyzer().analyze(e);
        assertNotNull(analysis, () -> "not a proxy-protocol failure: " + e);
        return analysis;
    }

    private static void assertAnalysis(FailureAnalysis a, String property, String... inDescription) {
        assertTrue(a.getDescription().startsWith("Invalid PROXY protocol configuration: "), a.getDescription());
        for (String s : inDescription) {
            assertTrue(a.getDescription().contains(s), () -> "'" + s + "' in " + a.getDescription());
        }
        assertTrue(a.getAction().startsWith("Fix " + property + ". "), a.getAction());
    }

    @Test
    void aBadTrustedProxyIsNamedWithItsIndexAndValue() {
        assertAnalysis(analyze("proxy-protocol.enabled=true", "proxy-protocol.trusted-proxies=127.0.0.1/32,10.0.0.0/33"),
                "proxy-protocol.trusted-proxies[1]",
                "proxy-protocol.trusted-proxies[1]=10.0.0.0/33 is not an IP address or CIDR block");
        assertAnalysis(analyze("proxy-protocol.port=0", "proxy-protocol.forwarded-trusted-proxies=lb.internal"),
                "proxy-protocol.forwarded-trusted-proxies[0]",
                "proxy-protocol.forwarded-trusted-proxies[0]=lb.internal is not an IP address or CIDR block");
    }

    @Test
    void theExtraPortMustNotBeServerPort() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertAnalysis(analyze("server.port=" + port, "proxy-protocol.port=" + port), "proxy-protocol.port",
                "proxy-protocol.port=" + port + " is server.port too");
    }

    @Test
    void mixedNeedsTrustedProxies() {
        assertAnalysis(analyze("proxy-protocol.enabled=true", "proxy-protocol.mode=mixed"), "proxy-protocol.mode",
                "mode=mixed needs ", "trusted-proxies");
    }

    @Test
    void enabledAndPortAreExclusive() {
        assertAnalysis(analyze("proxy-protocol.enabled=true", "proxy-protocol.port=0"), "proxy-protocol.port",
                "proxy-protocol.enabled=true and proxy-protocol.port=0 are both set");
    }

    @Test
    void theSslBundleMustExistAndNeedsTheExtraPort() {
        assertAnalysis(analyze("proxy-protocol.port=0", "proxy-protocol.ssl.bundle=missing"),
                "proxy-protocol.ssl.bundle", "proxy-protocol.ssl.bundle=missing: ", "'missing'");
        assertAnalysis(analyze("proxy-protocol.enabled=true", "proxy-protocol.ssl.bundle=missing"),
                "proxy-protocol.ssl.bundle", "applies to proxy-protocol.port only");
    }

    @Test
    void bootPrintsTheReport(CapturedOutput output) {
        startFails("proxy-protocol.enabled=true", "proxy-protocol.trusted-proxies=10.0.0.0/8,300.1.2.3");
        String out = output.toString();
        int report = out.indexOf("APPLICATION FAILED TO START");
        assertTrue(report >= 0, out);
        String tail = out.substring(report);
        assertTrue(tail.contains("Description:"), tail);
        assertTrue(tail.contains("Invalid PROXY protocol configuration: proxy-protocol.trusted-proxies[1]=300.1.2.3 "
                + "is not an IP address or CIDR block"), tail);
        assertTrue(tail.contains("Action:"), tail);
        assertTrue(tail.contains("Fix proxy-protocol.trusted-proxies[1]. "), tail);
        assertEquals(-1, tail.indexOf("Jetty started"), "no server was started");
    }
}

package io.github.proxyproto4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Invalid settings stop the start with a message naming the property and its value: through
 * {@link ProxyProtocolFailureAnalyzer} on the thrown exception, and in Boot's "APPLICATION FAILED TO START" report
 * (which shows the analyzer is registered).
 */
@ExtendWith(OutputCaptureExtension.class)
class FailureAnalysisTest {

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(new String[] {"--server.port=0", "--proxy-protocol.enabled=true",
                    "--proxy-protocol.trusted-proxies=127.0.0.1,10.0.0.0/33"},
                        "proxy-protocol.trusted-proxies[1]=10.0.0.0/33 is not an IP address or CIDR block",
                        "proxy-protocol.trusted-proxies[1]"),
                Arguments.of(new String[] {"--server.port=0", "--proxy-protocol.enabled=true",
                    "--proxy-protocol.trusted-proxies[0]=10.0.0.0/8", "--proxy-protocol.trusted-proxies[1]=lb.example"},
                        "proxy-protocol.trusted-proxies[1]=lb.example is not an IP address or CIDR block",
                        "proxy-protocol.trusted-proxies[1]"),
                Arguments.of(new String[] {"--server.port=0", "--proxy-protocol.port=0",
                    "--proxy-protocol.forwarded-trusted-proxies=10.0.0.0/8,2001:db8::/129"},
                        "proxy-protocol.forwarded-trusted-proxies[1]=2001:db8::/129 is not an IP address or CIDR block",
                        "proxy-protocol.forwarded-trusted-proxies[1]"),
                Arguments.of(new String[] {"--server.port=9080", "--proxy-protocol.port=9080"},
                        "proxy-protocol.port=9080 is server.port too: the extra PROXY port must differ",
                        "proxy-protocol.port"),
                Arguments.of(new String[] {"--proxy-protocol.port=8080"}, // server.port's default
                        "proxy-protocol.port=8080 is server.port too", "proxy-protocol.port"),
                Arguments.of(new String[] {"--server.port=0", "--proxy-protocol.enabled=true",
                    "--proxy-protocol.mode=mixed"},
                        "proxy-protocol.mode=mixed needs proxy-protocol.trusted-proxies", "proxy-protocol.mode"),
                Arguments.of(new String[] {"--server.port=0", "--proxy-protocol.enabled=true",
                    "--proxy-protocol.port=9080"},
                        "proxy-protocol.enabled=true and proxy-protocol.port=9080 are both set", "proxy-protocol.port"),
                Arguments.of(new String[] {"--server.port=0", "--proxy-protocol.port=70000"},
                        "proxy-protocol.port=70000 is not a port", "proxy-protocol.port"),
                Arguments.of(new String[] {"--server.port=0", "--proxy-protocol.enabled=true",
                    "--proxy-protocol.max-header-size=70000"},
                        "proxy-protocol.max-header-size must be 0..65535: 70000", "proxy-protocol.max-header-size"),
                Arguments.of(new String[] {"--server.port=0", "--proxy-protocol.enabled=true",
                    "--proxy-protocol.header-timeout=0s"},
                        "proxy-protocol.header-timeout must be positive", "proxy-protocol.header-timeout"),
                Arguments.of(new String[] {"--server.port=0", "--proxy-protocol.enabled=true",
                    "--proxy-protocol.ssl.bundle=web"},
                        "proxy-protocol.ssl.bundle applies to proxy-protocol.port only", "proxy-protocol.ssl.bundle"),
                Arguments.of(new String[] {"--server.port=0", "--proxy-protocol.port=0",
                    "--proxy-protocol.ssl.bundle=missing"},
                        "proxy-protocol.ssl.bundle=missing: ", "proxy-protocol.ssl.bundle"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void theStartFailsNamingTheProperty(String[] args, String message, String property, CapturedOutput output) {
        Throwable failure = Apps.failure(args);
        FailureAnalysis analysis = new ProxyProtocolFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("analysis of %s", failure).isNotNull();
        assertThat(analysis.getDescription()).startsWith("Invalid PROXY protocol configuration: ").contains(message);
        assertThat(analysis.getAction()).startsWith("Fix " + property + ".");
        assertThat(output).contains("APPLICATION FAILED TO START", "Description:", analysis.getDescription(), "Action:",
                "Fix " + property + ".");
    }
}

package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.testsupport.SocketFuzzHarness;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the Tomcat adapter in-process, over loopback sockets: a fuzzer-made byte stream (a
 * PROXY header or not, then a request) in fuzzer-chosen segments, judged against the core decoder by
 * {@link SocketFuzzHarness}, whose Javadoc gives the input layout and the outcomes allowed.
 *
 * <p>One Tomcat for the whole class, {@link ProxyProtocolHttp11NioProtocol} with the Valve and {@link DigestServlet},
 * trusting only {@value SocketFuzzHarness#PEER_IP}, with a 2 s header timeout. {@code ./mvnw verify} runs the
 * committed seeds in {@code src/test/resources/io/github/proxyproto4j/tomcat/TomcatAdapterFuzzTestInputs/streamsOverASocket/};
 * with {@code JAZZER_FUZZ=1} it fuzzes (see the README).
 */
class TomcatAdapterFuzzTest {
    static final ProxyProtocolConfig CONFIG = ProxyProtocolConfig.builder()
            .trustedProxies(SocketFuzzHarness.PEER_IP + "/32").headerTimeout(Duration.ofSeconds(2)).build();
    private static TomcatFixture tomcat;
    private static SocketFuzzHarness harness;

    @BeforeAll
    static void start() throws Exception {
        tomcat = new TomcatFixture(CONFIG, true, f -> {
            DigestServlet.serveEverything(f);
            f.connector.setProperty("connectionTimeout", "10000");
        });
        harness = new SocketFuzzHarness(tomcat.port(), CONFIG, tomcat.protocol.getProxyProtocolCounters(), () -> { });
    }

    @AfterAll
    static void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @FuzzTest(maxDuration = "10m")
    void streamsOverASocket(byte[] input) throws Exception {
        harness.run(input);
    }
}

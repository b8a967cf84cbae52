package io.github.proxyproto4j.jetty;

import io.github.proxyproto4j.testsupport.SocketFuzzHarness;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.time.Duration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the Jetty adapter in-process, over loopback sockets: a fuzzer-made byte stream (a
 * PROXY header or not, then a request) in fuzzer-chosen segments, judged against the core decoder by
 * {@link SocketFuzzHarness}, whose Javadoc gives the input layout and the outcomes allowed.
 *
 * <p>One server for the whole class, [proxy, http/1.1] with {@link DigestHandler}, trusting only
 * {@value SocketFuzzHarness#PEER_IP}, with a 2 s header timeout, on Jetty's leak-tracking buffer pool: after each input,
 * once its connection is closed, no buffer may still be out, except the two kinds Jetty 12.1.10 loses by itself on
 * rare races ({@link JettyFixture#assertNoLeaksButJettysOwn}); how many of those are still out at the end is printed. {@code ./mvnw verify} runs the committed seeds in
 * {@code src/test/resources/io/github/proxyproto4j/jetty/JettyAdapterFuzzTestInputs/streamsOverASocket/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes (see the README).
 */
class JettyAdapterFuzzTest {
    static final ProxyProtocolConfig CONFIG = ProxyProtocolConfig.builder()
            .trustedProxies(SocketFuzzHarness.PEER_IP + "/32").headerTimeout(Duration.ofSeconds(2)).build();
    private static JettyFixture jetty;
    private static SocketFuzzHarness harness;

    @BeforeAll
    static void start() throws Exception {
        jetty = new JettyFixture(new ProxyProtocolConnectionFactory(CONFIG),
                server -> server.setHandler(new DigestHandler()), new HttpConnectionFactory(new HttpConfiguration()));
        jetty.connector.setIdleTimeout(10_000);
        harness = new SocketFuzzHarness(jetty.port(), CONFIG, jetty.proxy.getCounters(), () -> {
            if (!jetty.awaitNoConnections(10_000)) {
                throw new AssertionError("the connection is still open on the server");
            }
            jetty.assertNoLeaksButJettysOwn("once the connection closed");
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (jetty != null) {
            jetty.close(); // prints how many buffers Jetty itself lost, if any
        }
    }

    @FuzzTest(maxDuration = "10m")
    void streamsOverASocket(byte[] input) throws Exception {
        harness.run(input);
    }
}

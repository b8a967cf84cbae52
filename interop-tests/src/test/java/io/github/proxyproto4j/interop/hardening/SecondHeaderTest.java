package io.github.proxyproto4j.interop.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.proxyproto4j.interop.matrix.Receiver;
import io.github.proxyproto4j.interop.matrix.Receivers;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client behind the balancer sends its own header, which the balancer forwards after its own (AWS NLB does not
 * strip it): exactly one header is parsed, so the client's one reaches HTTP as a bad request line, never as an
 * address.
 */
class SecondHeaderTest {
    private static final String BALANCER = "127.0.0.42";
    private static final String REAL_CLIENT = "198.51.100.7";
    private static final String FORGED = "203.0.113.66";

    static Stream<Arguments> cases() {
        return Stream.of(Receivers.EMBEDDED_JETTY, Receivers.EMBEDDED_TOMCAT)
                .flatMap(r -> Stream.of(Arguments.of(r, 1, 1), Arguments.of(r, 1, 2), Arguments.of(r, 2, 1),
                        Arguments.of(r, 2, 2)));
    }

    @ParameterizedTest(name = "{0}: v{1} from the balancer, then the client's v{2}")
    @MethodSource("cases")
    void theClientsOwnHeaderIsABadRequestNotAnAddress(Receiver receiver, int balancerVersion, int forgedVersion)
            throws Exception {
        try (Receiver.App app = receiver.start(false, null,
                List.of("--proxy-protocol.trusted-proxies=" + BALANCER + "/32"))) {
            byte[] bytes = Wire.concat(Served.header(balancerVersion, REAL_CLIENT, 40000),
                    Served.header(forgedVersion, FORGED, 40001), Wire.REQUEST);
            RawExchange.Result r = RawExchange.send(BALANCER, "127.0.0.1", app.proxyPort(), bytes, false);

            assertEquals(400, Served.status(r), r.text());
            // No servlet ran (Tomcat's error page may quote the bad request line, forged address included).
            assertNull(Served.clientAddress(r), r.text());
            // The same balancer connection without the forged header is served: the 400 is the forged header's.
            RawExchange.Result good = RawExchange.send(BALANCER, "127.0.0.1", app.proxyPort(),
                    Wire.concat(Served.header(balancerVersion, REAL_CLIENT, 40002), Wire.REQUEST), false);
            assertEquals(REAL_CLIENT, Served.clientAddress(good), good.text());
        }
    }
}

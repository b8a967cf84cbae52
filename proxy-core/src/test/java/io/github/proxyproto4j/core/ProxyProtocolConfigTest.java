package io.github.proxyproto4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyProtocolConfigTest {

    @Test
    void defaults() {
        ProxyProtocolConfig c = ProxyProtocolConfig.defaults();
        assertEquals(ProxyProtocolMode.REQUIRED, c.mode());
        assertTrue(c.trustedProxies().trustsAll());
        assertEquals(UntrustedAction.REJECT, c.untrustedAction());
        assertEquals(Duration.ofSeconds(5), c.headerTimeout());
        assertEquals(1024, c.maxHeaderSize());
        assertEquals(1024, c.maxTlvSize());
        assertEquals(1024, c.maxPending());
        assertTrue(c.secureFromSslTlv());
        assertTrue(c.localAddressFromHeader());
        assertEquals(1024, c.newDecoder().maxHeaderSize());
    }

    @Test
    void namesComeFromTheKeys() {
        assertEquals("proxy-protocol.header-timeout", ConfigKey.HEADER_TIMEOUT.springBootProperty());
        assertEquals("proxyProtocolHeaderTimeout", ConfigKey.HEADER_TIMEOUT.tomcatAttribute());
        assertEquals("jetty.proxyproto4j.headerTimeout", ConfigKey.HEADER_TIMEOUT.jettyProperty());
        assertEquals("--proxy-protocol.header-timeout", ConfigKey.HEADER_TIMEOUT.sampleFlag());
        assertEquals("proxyProtocolSecureFromSslTlv", ConfigKey.SECURE_FROM_SSL_TLV.tomcatAttribute());
        assertEquals("jetty.proxyproto4j.trustedProxies", ConfigKey.TRUSTED_PROXIES.jettyProperty());
        for (ConfigKey k : ConfigKey.values()) {
            for (String name : new String[] {k.key(), k.springBootProperty(), k.tomcatAttribute(), k.jettyProperty(),
                k.sampleFlag()}) {
                assertEquals(k, ConfigKey.byName(name));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ConfigKey.byName("proxyProtocolNope"));
    }

    @Test
    void bootAndFlagsTakeTextDurationsWhileTomcatAndJettyTakeMillis() {
        Map<String, String> boot = new LinkedHashMap<>();
        boot.put("proxy-protocol.mode", "mixed");
        boot.put("proxy-protocol.trusted-proxies", "10.0.0.0/8, ::1");
        boot.put("proxy-protocol.untrusted-action", "ignore");
        boot.put("proxy-protocol.header-timeout", "500ms");
        boot.put("proxy-protocol.max-header-size", "4096");
        boot.put("proxy-protocol.max-tlv-size", "2048");
        boot.put("proxy-protocol.max-pending", "10");
        boot.put("proxy-protocol.secure-from-ssl-tlv", "false");
        boot.put("proxy-protocol.local-address-from-header", "FALSE");
        ProxyProtocolConfig c = ProxyProtocolConfig.from(boot, false);
        assertEquals(ProxyProtocolMode.MIXED, c.mode());
        assertEquals("10.0.0.0/8,::1", c.trustedProxies().toString());
        assertEquals(UntrustedAction.IGNORE, c.untrustedAction());
        assertEquals(Duration.ofMillis(500), c.headerTimeout());
        assertEquals(4096, c.maxHeaderSize());
        assertEquals(2048, c.maxTlvSize());
        assertEquals(10, c.maxPending());
        assertFalse(c.secureFromSslTlv());
        assertFalse(c.localAddressFromHeader());

        Map<String, String> tomcat = new LinkedHashMap<>();
        for (ConfigKey k : ConfigKey.values()) {
            tomcat.put(k.tomcatAttribute(), k.isDuration() ? "500" : c.text(k));
        }
        assertEquals(c, ProxyProtocolConfig.from(tomcat, true));
        Map<String, String> jetty = new LinkedHashMap<>();
        for (ConfigKey k : ConfigKey.values()) {
            jetty.put(k.jettyProperty(), k.isDuration() ? "500" : c.text(k));
        }
        assertEquals(c, ProxyProtocolConfig.from(jetty, true));
        assertEquals(c, c.toBuilder().build());
        assertTrue(c.toString().contains("header-timeout=500ms"), c.toString());
    }

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"5s, 5000", "500ms, 500", "2m, 120000", "1h, 3600000", "PT1.5S, 1500", "250, 250", "1d, 86400000"})
    void durationText(String text, long millis) {
        ProxyProtocolConfig c = ProxyProtocolConfig.builder().set(ConfigKey.HEADER_TIMEOUT, text, false).build();
        assertEquals(millis, c.headerTimeout().toMillis());
    }

    @Test
    void badValuesNameTheirSetting() {
        assertMessage("mode", () -> ProxyProtocolConfig.builder().set(ConfigKey.MODE, "sometimes", false));
        assertMessage("header-timeout", () -> ProxyProtocolConfig.builder().set(ConfigKey.HEADER_TIMEOUT, "5 s", false));
        assertMessage("header-timeout", () -> ProxyProtocolConfig.builder().set(ConfigKey.HEADER_TIMEOUT, "5s", true));
        assertMessage("max-pending", () -> ProxyProtocolConfig.builder().set(ConfigKey.MAX_PENDING, "many", false));
        assertMessage("secure-from-ssl-tlv", () -> ProxyProtocolConfig.builder().set(ConfigKey.SECURE_FROM_SSL_TLV, "yes", false));
        assertMessage("example.com", () -> ProxyProtocolConfig.builder().set(ConfigKey.TRUSTED_PROXIES, "example.com", false));
    }

    @Test
    void impossibleCombinationsAreRefused() {
        assertMessage("mixed", () -> ProxyProtocolConfig.builder().mode(ProxyProtocolMode.MIXED).build());
        assertMessage("header-timeout", () -> ProxyProtocolConfig.builder().headerTimeout(Duration.ZERO).build());
        assertMessage("max-header-size", () -> ProxyProtocolConfig.builder().maxHeaderSize(65536).build());
        assertMessage("max-tlv-size", () -> ProxyProtocolConfig.builder().maxTlvSize(-1).build());
        assertMessage("max-pending", () -> ProxyProtocolConfig.builder().maxPending(0).build());
        ProxyProtocolConfig.builder().mode(ProxyProtocolMode.MIXED).trustedProxies("10.0.0.0/8").build();
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
    }

    /** The configuration table, rendered from {@link ConfigKey}: the README must hold it exactly. */
    static String table() {
        StringBuilder sb = new StringBuilder();
        sb.append("| key | meaning | default | Spring Boot property | Tomcat `<Connector>` attribute "
                + "| Jetty module property | sample flag |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (ConfigKey k : ConfigKey.values()) {
            String ms = k.isDuration() ? " (ms)" : "";
            sb.append("| ").append(k.key()).append(" | ").append(k.meaning()).append(" | ").append(k.defaultText())
                    .append(" | `").append(k.springBootProperty()).append("` | `").append(k.tomcatAttribute())
                    .append('`').append(ms).append(" | `").append(k.jettyProperty()).append('`').append(ms)
                    .append(" | `").append(k.sampleFlag()).append("` |\n");
        }
        return sb.toString();
    }

    @Test
    void theCoreReadmeHoldsTheTableAsImplemented() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(table()), "proxy-core/README.md must contain exactly:\n" + table());
    }
}

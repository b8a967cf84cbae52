package io.github.proxyproto4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generated {@code META-INF/spring-configuration-metadata.json} (merged with
 * {@code additional-spring-configuration-metadata.json}): every {@code proxy-protocol.*} key with a description
 * and its default, and value hints for the two enums. The defaults must be the core's.
 */
class ConfigurationMetadataTest {
    private static final Map<String, JsonNode> PROPERTIES = new HashMap<>();
    private static final Map<String, JsonNode> HINTS = new HashMap<>();

    @BeforeAll
    static void read() throws Exception {
        JsonNode metadata = null;
        for (URL url : Collections.list(ConfigurationMetadataTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                JsonNode node = JsonMapper.builder().build().readTree(in);
                for (JsonNode g : node.path("groups")) {
                    if (g.path("name").asString().equals("proxy-protocol")) {
                        metadata = node;
                    }
                }
            }
        }
        assertThat(metadata).as("the starter's configuration metadata").isNotNull();
        for (JsonNode p : metadata.path("properties")) {
            PROPERTIES.put(p.path("name").asString(), p);
        }
        for (JsonNode h : metadata.path("hints")) {
            HINTS.put(h.path("name").asString(), h);
        }
    }

    static Set<String> expectedKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (ConfigKey k : ConfigKey.values()) {
            keys.add(k.springBootProperty());
        }
        keys.addAll(List.of("proxy-protocol.enabled", "proxy-protocol.port", "proxy-protocol.forwarded-trusted-proxies",
                "proxy-protocol.ssl.bundle"));
        return keys;
    }

    @Test
    void everyKeyAndNothingElse() {
        assertThat(PROPERTIES.keySet()).containsExactlyInAnyOrderElementsOf(expectedKeys());
    }

    @Test
    void everyKeyHasADescription() {
        for (JsonNode p : PROPERTIES.values()) {
            assertThat(p.path("description").asString("")).as(p.path("name").asString()).hasSizeGreaterThan(20);
        }
    }

    @Test
    void everyKeyWithADefaultHasIt() {
        List<String> without = new ArrayList<>();
        for (JsonNode p : PROPERTIES.values()) {
            if (!p.has("defaultValue")) {
                without.add(p.path("name").asString());
            }
        }
        // unset by default: no extra port, no TLS bundle
        assertThat(without).containsExactlyInAnyOrder("proxy-protocol.port", "proxy-protocol.ssl.bundle");
    }

    @Test
    void theDefaultsAreTheCoresAndTheBoundPropertiesOnes() {
        ProxyProtocolConfig core = ProxyProtocolConfig.builder().build();
        assertThat(new ProxyProtocolProperties().toConfig()).isEqualTo(core);
        for (ConfigKey k : ConfigKey.values()) {
            JsonNode d = PROPERTIES.get(k.springBootProperty()).path("defaultValue");
            String value = d.isArray() ? String.join(",", d.valueStream().map(JsonNode::asString).toList()) : d.asString();
            if (k == ConfigKey.HEADER_TIMEOUT) {
                assertThat(DurationStyle.detectAndParse(value)).isEqualTo(core.headerTimeout());
            } else {
                assertThat(value).as(k.springBootProperty()).isEqualTo(core.text(k));
            }
        }
        assertThat(PROPERTIES.get("proxy-protocol.enabled").path("defaultValue").asBoolean()).isFalse();
        assertThat(PROPERTIES.get("proxy-protocol.forwarded-trusted-proxies").path("defaultValue").isEmpty()).isTrue();
    }

    @Test
    void theEnumsHaveValueHints() {
        assertThat(hintValues("proxy-protocol.mode")).containsExactly("required", "mixed");
        assertThat(hintValues("proxy-protocol.untrusted-action")).containsExactly("reject", "ignore");
    }

    private static List<String> hintValues(String name) {
        assertThat(HINTS).containsKey(name);
        List<String> values = new ArrayList<>();
        for (JsonNode v : HINTS.get(name).path("values")) {
            assertThat(v.path("description").asString("")).isNotBlank();
            values.add(v.path("value").asString());
        }
        return values;
    }
}

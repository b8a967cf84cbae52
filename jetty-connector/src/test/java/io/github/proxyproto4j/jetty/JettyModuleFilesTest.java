package io.github.proxyproto4j.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The jetty-home module files and the README agree with {@link ConfigKey} and with the factory's setters:
 * a setting added to the core cannot be forgotten in the module, its XML or the docs.
 */
class JettyModuleFilesTest {
    private static final Path HOME = Path.of("src/main/jetty-home");
    private static final Path README = Path.of("README.md");
    private static final Pattern PROPERTY = Pattern.compile("jetty\\.proxyproto4j\\.[A-Za-z0-9]+");
    private static final String FACTORY = ProxyProtocolConnectionFactory.class.getName();

    /** module file → its XML and the connector id it configures. */
    private static final Map<String, String[]> MODULES = Map.of(
            "proxyproto4j", new String[] {"etc/jetty-proxyproto4j.xml", "httpConnector", "proxy-protocol"},
            "proxyproto4j-ssl", new String[] {"etc/jetty-proxyproto4j-ssl.xml", "sslConnector", "proxy-protocol-ssl"});

    private static Set<String> allProperties() {
        return Arrays.stream(ConfigKey.values()).map(ConfigKey::jettyProperty)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> mentioned(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = PROPERTY.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static String read(Path p) throws IOException {
        assertTrue(Files.isRegularFile(p), p + " is missing");
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** @return the lines of one {@code [section]} of a module file */
    private static List<String> section(String mod, String name) {
        List<String> lines = mod.lines().toList();
        int start = lines.indexOf("[" + name + "]");
        assertTrue(start >= 0, "no [" + name + "] section");
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).matches("\\[[a-z-]+\\]")) {
            end++;
        }
        return lines.subList(start + 1, end);
    }

    /** @return property → default, from the {@code # jetty.proxyproto4j.x=default} lines */
    private static Map<String, String> iniDefaults(List<String> template) {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String line : template) {
            Matcher m = Pattern.compile("^# (jetty\\.proxyproto4j\\.[A-Za-z0-9]+)=(.*)$").matcher(line);
            if (m.matches()) {
                assertFalse(defaults.containsKey(m.group(1)), "listed twice: " + m.group(1));
                defaults.put(m.group(1), m.group(2));
            }
        }
        return defaults;
    }

    private static Document parse(Path xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setValidating(false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        DocumentBuilder b = f.newDocumentBuilder();
        return b.parse(xml.toFile());
    }

    /** @return the {@code <New>} of our factory, checked to be added first to the right connector */
    private static Element factoryElement(Document doc, String connectorId) {
        Element root = doc.getDocumentElement();
        assertEquals("Configure", root.getTagName());
        assertEquals(connectorId, root.getAttribute("id"));
        assertEquals(ServerConnector.class.getName(), root.getAttribute("class"));
        NodeList calls = root.getElementsByTagName("Call");
        assertEquals(1, calls.getLength());
        assertEquals("addFirstConnectionFactory", ((Element) calls.item(0)).getAttribute("name"));
        NodeList news = root.getElementsByTagName("New");
        assertEquals(1, news.getLength());
        Element factory = (Element) news.item(0);
        assertEquals(FACTORY, factory.getAttribute("class"));
        return factory;
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxyproto4j", "proxyproto4j-ssl"})
    void moduleListsEveryPropertyWithTheXmlDefault(String module) throws Exception {
        String[] facts = MODULES.get(module);
        String mod = read(HOME.resolve("modules/" + module + ".mod"));
        assertEquals(List.of("lib/proxyproto4j/*.jar"), section(mod, "lib").stream().filter(l -> !l.isBlank()).toList());
        assertEquals(List.of(facts[0]), section(mod, "xml").stream().filter(l -> !l.isBlank()).toList());
        assertEquals(List.of(facts[2]), section(mod, "provides").stream().filter(l -> !l.isBlank()).toList(),
                "must replace Jetty's own module");

        List<String> template = section(mod, "ini-template");
        assertEquals(allProperties(), mentioned(String.join("\n", template)), "ini-template of " + module);
        Map<String, String> iniDefaults = iniDefaults(template);
        assertEquals(allProperties(), iniDefaults.keySet(), "each property once as '# name=default'");

        Map<String, String> xmlDefaults = xmlDefaults(HOME.resolve(facts[0]), facts[1]);
        assertEquals(xmlDefaults, iniDefaults, "ini-template and XML defaults");
    }

    /** @return property → default, checking each {@code <Set>} is a setter of the factory named after its property */
    private static Map<String, String> xmlDefaults(Path xml, String connectorId) throws Exception {
        String text = read(xml);
        assertEquals(allProperties(), mentioned(text), xml + " mentions exactly the ConfigKey properties");
        Element factory = factoryElement(parse(xml), connectorId);
        Map<String, String> defaults = new HashMap<>();
        NodeList sets = factory.getElementsByTagName("Set");
        for (int i = 0; i < sets.getLength(); i++) {
            Element set = (Element) sets.item(i);
            String name = set.getAttribute("name");
            assertNotNull(setter(name), "no setter for <Set name=\"" + name + "\">");
            NodeList props = set.getElementsByTagName("Property");
            assertEquals(1, props.getLength(), name);
            Element prop = (Element) props.item(0);
            String property = prop.getAttribute("name");
            assertEquals(ConfigKey.JETTY_PREFIX + name, property, "the setter is named after its property");
            assertTrue(prop.hasAttribute("default"), property + " has a default");
            assertTrue(defaults.put(property, prop.getAttribute("default")) == null, "set twice: " + property);
        }
        assertEquals(allProperties(), defaults.keySet());
        return defaults;
    }

    private static Method setter(String property) {
        String name = "set" + Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (Method m : ProxyProtocolConnectionFactory.class.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1) {
                return m;
            }
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxyproto4j", "proxyproto4j-ssl"})
    void theXmlDefaultsAreTheCoreDefaults(String module) throws Exception {
        String[] facts = MODULES.get(module);
        ProxyProtocolConnectionFactory factory = new ProxyProtocolConnectionFactory();
        for (Map.Entry<String, String> e : xmlDefaults(HOME.resolve(facts[0]), facts[1]).entrySet()) {
            Method m = setter(e.getKey().substring(ConfigKey.JETTY_PREFIX.length()));
            m.invoke(factory, convert(e.getValue(), m.getParameterTypes()[0]));
        }
        factory.start();
        try {
            assertEquals(ProxyProtocolConfig.defaults(), factory.getConfig());
        } finally {
            factory.stop();
        }
    }

    /** What Jetty's XmlConfiguration does for the setters' parameter types. */
    private static Object convert(String value, Class<?> type) {
        if (type == String.class) {
            return value;
        } else if (type == long.class) {
            return Long.parseLong(value);
        } else if (type == int.class) {
            return Integer.parseInt(value);
        } else if (type == boolean.class) {
            return Boolean.parseBoolean(value);
        }
        return fail("unexpected setter type " + type);
    }

    @Test
    void everyConfigKeyHasASetter() {
        for (ConfigKey key : ConfigKey.values()) {
            assertNotNull(setter(key.jettyProperty().substring(ConfigKey.JETTY_PREFIX.length())), key.key());
        }
    }

    @Test
    void readmeTableListsEveryProperty() throws Exception {
        String readme = read(README);
        List<String> rows = readme.lines().filter(l -> l.startsWith("|")).toList();
        for (String property : allProperties()) {
            assertTrue(rows.stream().anyMatch(r -> r.startsWith("| `" + property + "`")),
                    "README properties table lacks " + property);
        }
        assertEquals(allProperties(), mentioned(readme), "README mentions no other jetty.proxyproto4j property");
    }
}

package io.github.proxyproto4j.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The BOM (../bom/pom.xml) must list every published module of the build, and nothing else. A published module
 * is one whose pom runs maven-source-plugin in its build (what Maven Central requires); modules listed here are
 * published though not built yet by this tree.
 */
class BomTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String GROUP = "io.github.proxyproto4j";

    /** Published artifacts the BOM lists that may not be in the tree yet. */
    private static final List<String> PLANNED = List.of("proxyproto4j-spring-boot-starter");

    @Test
    void everyPublishedModuleIsInTheBom() throws Exception {
        Map<String, String> published = new LinkedHashMap<>();
        collectPublished(ROOT, published);
        assertTrue(published.containsKey("proxyproto4j-core"), "found no published modules: " + published);
        assertTrue(published.containsKey("proxyproto4j-test"), "test-kit is published: " + published);

        Map<String, String> bom = bomEntries();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : published.entrySet()) {
            if (!bom.containsKey(e.getKey())) {
                missing.add(e.getKey() + " (" + e.getValue() + ")");
            }
        }
        assertTrue(missing.isEmpty(), "published but missing from bom/pom.xml: " + missing);

        TreeSet<String> extra = new TreeSet<>(bom.keySet());
        extra.removeAll(published.keySet());
        extra.removeAll(PLANNED);
        assertTrue(extra.isEmpty(), "in bom/pom.xml but not a published module: " + extra);
        for (String planned : PLANNED) {
            assertTrue(bom.containsKey(planned), planned);
        }
    }

    @Test
    void bomIsStandaloneWithTheProjectVersion() throws Exception {
        Element bom = parse(ROOT.resolve("bom/pom.xml"));
        Element root = parse(ROOT.resolve("pom.xml"));
        assertNull(child(bom, "parent"), "a parent would leak its dependencyManagement (Jetty, JUnit BOMs)");
        assertEquals(GROUP, text(bom, "groupId"));
        assertEquals("proxyproto4j-bom", text(bom, "artifactId"));
        assertEquals("pom", text(bom, "packaging"));
        assertEquals(text(root, "version"), text(bom, "version"), "the BOM's version follows the root pom's");
        assertTrue(modules(root).contains("bom"), "bom is a module of the root pom");
        assertTrue(modules(root).contains("test-kit"), "test-kit is a module of the root pom");
        for (Map.Entry<String, String> e : bomEntries().entrySet()) {
            assertEquals("${project.version}", e.getValue(), e.getKey());
        }
        assertNull(child(bom, "dependencies"), "a BOM manages, it does not depend");
    }

    /** artifactId to version of every dependencyManagement entry, all of our group. */
    private static Map<String, String> bomEntries() throws Exception {
        Element bom = parse(ROOT.resolve("bom/pom.xml"));
        Element deps = child(child(bom, "dependencyManagement"), "dependencies");
        Map<String, String> entries = new LinkedHashMap<>();
        for (Element d : children(deps, "dependency")) {
            assertEquals(GROUP, text(d, "groupId"), "only our artifacts: " + text(d, "artifactId"));
            assertNull(child(d, "scope"), "no imports in the BOM: " + text(d, "artifactId"));
            entries.put(text(d, "artifactId"), text(d, "version"));
        }
        return entries;
    }

    private static void collectPublished(Path dir, Map<String, String> published) throws Exception {
        Element pom = parse(dir.resolve("pom.xml"));
        Element build = child(pom, "build");
        Element plugins = build == null ? null : child(build, "plugins");
        if (plugins != null) {
            for (Element plugin : children(plugins, "plugin")) {
                if ("maven-source-plugin".equals(text(plugin, "artifactId"))) {
                    published.put(text(pom, "artifactId"), ROOT.relativize(dir).toString());
                }
            }
        }
        for (String module : modules(pom)) {
            Path m = dir.resolve(module).normalize();
            if (Files.isRegularFile(m.resolve("pom.xml"))) {
                collectPublished(m, published);
            }
        }
    }

    private static List<String> modules(Element pom) {
        List<String> modules = new ArrayList<>();
        Element list = child(pom, "modules");
        if (list != null) {
            for (Element m : children(list, "module")) {
                modules.add(m.getTextContent().trim());
            }
        }
        return modules;
    }

    private static Element parse(Path pom) throws Exception {
        assertTrue(Files.isRegularFile(pom), "no " + pom);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(pom.toFile());
        return doc.getDocumentElement();
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> list = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                list.add(e);
            }
        }
        return list;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }
}

package io.github.proxyproto4j.interop.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * samples/echo-war holds the servlet and nothing the server provides: proxyproto4j-core comes from the server's
 * lib/ (a second copy would be a second {@code ProxyHeader} class, and the servlet would not recognise the
 * server's header), and no servlet API, Jetty or Tomcat jar.
 */
class EchoWarContentsTest {
    @Test
    void webInfLibHasOnlyTheEchoServlet() throws IOException {
        try (ZipFile war = new ZipFile(Standalone.echoWar().toFile())) {
            List<String> lib = war.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("WEB-INF/lib/") && !n.endsWith("/")).toList();
            assertEquals(1, lib.size(), lib::toString);
            assertTrue(lib.get(0).matches("WEB-INF/lib/proxyproto4j-sample-echo-common-[^/]+\\.jar"), lib::toString);
            List<String> classes = war.stream().map(ZipEntry::getName)
                    .filter(n -> n.endsWith(".class")).toList();
            assertEquals(List.of(), classes, "classes outside WEB-INF/lib");
        }
    }

    @Test
    void webXmlMapsTheEchoServletToEveryPath() throws IOException {
        try (ZipFile war = new ZipFile(Standalone.echoWar().toFile())) {
            ZipEntry webXml = war.getEntry("WEB-INF/web.xml");
            assertNotNull(webXml, "WEB-INF/web.xml");
            String text;
            try (InputStream in = war.getInputStream(webXml)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertTrue(text.contains("<servlet-class>io.github.proxyproto4j.samples.echo.EchoServlet</servlet-class>"),
                    text);
            assertTrue(text.contains("<url-pattern>/*</url-pattern>"), text);
        }
    }
}

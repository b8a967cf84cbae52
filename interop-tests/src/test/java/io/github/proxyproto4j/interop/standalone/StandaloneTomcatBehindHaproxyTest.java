package io.github.proxyproto4j.interop.standalone;

import io.github.proxyproto4j.interop.Haproxy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A standalone Tomcat 11.0.24 (org.apache.tomcat:tomcat:11.0.24:tar.gz, unpacked by the pom as CATALINA_HOME) set
 * up as tomcat-valve/README.md ("Standalone Tomcat (server.xml)") tells users: a CATALINA_BASE with the two jars in
 * lib/, the distribution's own conf/server.xml with the README's {@code <Connector>} added to the {@code <Service>}
 * and its {@code <Valve>} to the {@code <Engine>}, both taken from the README's snippet as written, with the trust
 * list the README says it was run with ({@code 127.0.0.1/32}) and free ports in place of 9080, 8080 and 8005.
 * samples/echo-war is webapps/ROOT.war, and Tomcat runs as its own process with {@code bin/catalina.sh run}.
 */
class StandaloneTomcatBehindHaproxyTest extends StandaloneBehindHaproxyCells {
    private static final String VERSION = System.getProperty("standalone.tomcat.version", "11.0.24");
    private static final String SECTION = "## Standalone Tomcat (server.xml)";
    private static final String SERVICE = "<Service name=\"Catalina\">";
    private static final String ENGINE = "<Engine name=\"Catalina\" defaultHost=\"localhost\">";

    private static Path base;
    private static Process tomcat;
    private static int proxyPort;

    @BeforeAll
    static void startTomcat() throws Exception {
        if (Standalone.findHaproxy().isEmpty()) {
            return; // every cell is skipped (or, under CI=true, the class has failed already)
        }
        Path home = Standalone.distribution("standalone.catalina.home", "target/tomcat/apache-tomcat-" + VERSION);
        base = Files.createTempDirectory("catalina-base");
        for (String dir : List.of("lib", "logs", "temp", "webapps", "work")) {
            Files.createDirectories(base.resolve(dir));
        }
        Standalone.copyTree(home.resolve("conf"), base.resolve("conf"));

        // Copy proxyproto4j-core-*.jar and proxyproto4j-tomcat-*.jar into $CATALINA_BASE/lib
        Path packed = Files.createDirectories(base.resolve("packed"));
        for (Path jar : List.of(
                Standalone.jarOf("io.github.proxyproto4j.core.ProxyHeader", packed, "proxyproto4j-core.jar"),
                Standalone.jarOf("io.github.proxyproto4j.tomcat.ProxyProtocolHttp11NioProtocol", packed,
                        "proxyproto4j-tomcat.jar"))) {
            Files.copy(jar, base.resolve("lib").resolve(jar.getFileName()));
        }

        proxyPort = Standalone.freePort();
        int plainPort;
        int shutdownPort;
        do {
            plainPort = Standalone.freePort();
            shutdownPort = Standalone.freePort();
        } while (plainPort == proxyPort || shutdownPort == proxyPort || shutdownPort == plainPort);
        Path serverXml = base.resolve("conf/server.xml");
        String xml = serverXml(Files.readString(serverXml, StandardCharsets.UTF_8), readmeSnippet())
                .replace("port=\"9080\"", "port=\"" + proxyPort + "\"")
                .replace("port=\"8080\"", "port=\"" + plainPort + "\"")
                .replace("port=\"8005\"", "port=\"" + shutdownPort + "\"");
        Files.writeString(serverXml, xml, StandardCharsets.UTF_8);

        Files.copy(Standalone.echoWar(), base.resolve("webapps/ROOT.war"));

        Path log = base.resolve("logs/console.log");
        ProcessBuilder pb = new ProcessBuilder("sh", home.resolve("bin/catalina.sh").toString(), "run")
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        for (String inherited : List.of("JAVA_OPTS", "CATALINA_OPTS", "CATALINA_PID", "CATALINA_TMPDIR", "JRE_HOME")) {
            env.remove(inherited);
        }
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CATALINA_HOME", home.toString());
        env.put("CATALINA_BASE", base.toString());
        tomcat = pb.start();
        Standalone.awaitEcho(tomcat, log, proxyPort);
    }

    @AfterAll
    static void stopTomcat() {
        Standalone.stop(tomcat);
        Standalone.deleteTree(base);
    }

    /** The xml block of the README's standalone section, as a user reads it. */
    private static List<String> readmeSnippet() throws IOException {
        List<String> lines = Files.readAllLines(Standalone.root().resolve("tomcat-valve/README.md"));
        int section = lines.indexOf(SECTION);
        if (section < 0) {
            throw new AssertionError("tomcat-valve/README.md has no section " + SECTION);
        }
        int open = indexOf(lines, section, "```xml");
        int close = indexOf(lines, open + 1, "```");
        return lines.subList(open + 1, close);
    }

    /**
     * The distribution's server.xml with the snippet's connector (the lines between {@code <Service>} and
     * {@code <Engine>}) added at the start of the {@code <Service>}, and its valve (the lines between
     * {@code <Engine>} and {@code ...}) at the start of the {@code <Engine>}; the trust list set to 127.0.0.1/32.
     */
    private static String serverXml(String xml, List<String> snippet) {
        int service = indexOf(snippet, 0, SERVICE);
        int engine = indexOf(snippet, service + 1, ENGINE);
        int rest = indexOf(snippet, engine + 1, "...");
        String connector = indented(snippet.subList(service + 1, engine));
        String valve = indented(snippet.subList(engine + 1, rest));
        String trust = "proxyProtocolTrustedProxies=\"10.0.0.0/8\"";
        assertEquals(1, count(connector, trust), () -> "the README's connector changed:\n" + connector);
        assertEquals(1, count(xml, SERVICE + "\n"), "server.xml: " + SERVICE);
        assertEquals(1, count(xml, ENGINE + "\n"), "server.xml: " + ENGINE);
        return xml.replace(SERVICE + "\n", SERVICE + "\n" + connector.replace(trust,
                        "proxyProtocolTrustedProxies=\"127.0.0.1/32\""))
                .replace(ENGINE + "\n", ENGINE + "\n" + valve);
    }

    private static int indexOf(List<String> lines, int from, String trimmed) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(trimmed)) {
                return i;
            }
        }
        throw new AssertionError("no line '" + trimmed + "' after line " + from + " of tomcat-valve/README.md's snippet");
    }

    private static String indented(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                out.add("  " + line + "\n");
            }
        }
        return String.join("", out);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Override
    int proxyPort() {
        return proxyPort;
    }

    @Override
    String serverInfo() {
        return "Apache Tomcat/" + VERSION;
    }
}

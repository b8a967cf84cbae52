package io.github.proxyproto4j.interop.standalone;

import io.github.proxyproto4j.interop.Haproxy;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A standalone jetty-home 12.1.12 (org.eclipse.jetty:jetty-home:12.1.12:zip, unpacked by the pom) set up exactly as
 * jetty-connector/README.md ("Standalone Jetty (jetty-home)") tells users: a fresh jetty.base with the two jars in
 * lib/proxyproto4j/, the module files copied from jetty-connector/src/main/jetty-home/, {@code --add-modules} with
 * {@code ee11-deploy} for the WAR, samples/echo-war as webapps/ROOT.war, and Jetty started as its own process with
 * {@code jetty.http.host=127.0.0.1 jetty.http.port=... jetty.proxyproto4j.trustedProxies=127.0.0.1/32}.
 */
class StandaloneJettyBehindHaproxyTest extends StandaloneBehindHaproxyCells {
    private static final String VERSION = System.getProperty("standalone.jetty.version", "12.1.12");

    private static Path base;
    private static Process jetty;
    private static int port;

    @BeforeAll
    static void startJetty() throws Exception {
        if (Standalone.findHaproxy().isEmpty()) {
            return; // every cell is skipped (or, under CI=true, the class has failed already)
        }
        Path jettyHome = Standalone.distribution("standalone.jetty.home", "target/jetty-home/jetty-home-" + VERSION);
        Path root = Standalone.root();
        base = Files.createTempDirectory("jetty-base");

        // mkdir -p $JETTY_BASE/lib/proxyproto4j $JETTY_BASE/modules $JETTY_BASE/etc
        Path lib = Files.createDirectories(base.resolve("lib/proxyproto4j"));
        Files.createDirectories(base.resolve("modules"));
        Files.createDirectories(base.resolve("etc"));
        // cp jetty-connector/target/proxyproto4j-jetty-*.jar proxy-core/target/proxyproto4j-core-*.jar $JETTY_BASE/lib/proxyproto4j/
        Path packed = Files.createDirectories(base.resolve("packed"));
        copyInto(lib, Standalone.jarOf("io.github.proxyproto4j.jetty.ProxyProtocolConnectionFactory", packed,
                "proxyproto4j-jetty.jar"));
        copyInto(lib, Standalone.jarOf("io.github.proxyproto4j.core.ProxyHeader", packed, "proxyproto4j-core.jar"));
        // cp jetty-connector/src/main/jetty-home/modules/*.mod $JETTY_BASE/modules/
        // cp jetty-connector/src/main/jetty-home/etc/*.xml $JETTY_BASE/etc/
        Path moduleFiles = root.resolve("jetty-connector/src/main/jetty-home");
        copyMatching(moduleFiles.resolve("modules"), "*.mod", base.resolve("modules"));
        copyMatching(moduleFiles.resolve("etc"), "*.xml", base.resolve("etc"));

        // cd $JETTY_BASE; java -jar $JETTY_HOME/start.jar jetty.home=... jetty.base=... --add-modules=...
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String startJar = jettyHome.resolve("start.jar").toString();
        List<String> start = List.of(java, "-jar", startJar, "jetty.home=" + jettyHome, "jetty.base=" + base);
        Standalone.run(concat(start, "--add-modules=http,ee11-deploy,proxyproto4j"), base);
        // cp samples/echo-war/target/echo-war.war $JETTY_BASE/webapps/ROOT.war
        Files.copy(Standalone.echoWar(), base.resolve("webapps/ROOT.war"));

        port = Standalone.freePort();
        Path log = base.resolve("jetty.log");
        jetty = new ProcessBuilder(concat(start, "jetty.http.host=127.0.0.1", "jetty.http.port=" + port,
                "jetty.proxyproto4j.trustedProxies=127.0.0.1/32"))
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Standalone.awaitEcho(jetty, log, port);
    }

    @AfterAll
    static void stopJetty() {
        Standalone.stop(jetty);
        Standalone.deleteTree(base);
    }

    private static List<String> concat(List<String> command, String... more) {
        List<String> all = new java.util.ArrayList<>(command);
        all.addAll(List.of(more));
        return all;
    }

    private static void copyInto(Path dir, Path file) throws IOException {
        Files.copy(file, dir.resolve(file.getFileName()));
    }

    private static void copyMatching(Path from, String glob, Path to) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from, glob)) {
            for (Path f : files) {
                copyInto(to, f);
                n++;
            }
        }
        if (n == 0) {
            throw new IOException("no " + glob + " in " + from);
        }
    }

    @Override
    int proxyPort() {
        return port;
    }

    @Override
    String serverInfo() {
        return "jetty/" + VERSION;
    }
}

package io.github.proxyproto4j.interop.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.interop.ExternalTool;
import io.netty.util.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.util.Jetty;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/interop.md true: its generated part (versions and the table of cases) must be exactly what
 * {@link Matrix} and the classpath give, and the installed senders must be the documented branches. The generated
 * part is written to interop-tests/target/interop-matrix.md on every run, to copy between the markers.
 */
class InteropMatrixDocTest {
    static final String BEGIN = "<!-- BEGIN GENERATED MATRIX: InteropMatrixDocTest checks this part against Matrix.java;"
            + " to update it, copy interop-tests/target/interop-matrix.md here -->";
    static final String END = "<!-- END GENERATED MATRIX -->";

    static String nettyVersion() {
        Version v = Version.identify().get("netty-codec-haproxy");
        return v == null ? "unknown" : v.artifactVersion();
    }

    /** The generated part of docs/interop.md, markers excluded. */
    static String generated() {
        List<MatrixCase> cases = Matrix.cases();
        StringBuilder sb = new StringBuilder();
        sb.append("### Versions\n\n");
        sb.append("| sender | version |\n|---|---|\n");
        sb.append("| HAProxy (`haproxy -v`) | ").append(Matrix.HAPROXY_BRANCH).append(" |\n");
        sb.append("| nginx (`nginx -v`), stream module | ").append(Matrix.NGINX_BRANCH).append(" |\n");
        sb.append("| curl (`curl --version`) | ").append(Matrix.CURL_BRANCH).append(" |\n");
        sb.append("| Netty `netty-codec-haproxy` | ").append(nettyVersion()).append(" |\n");
        sb.append("| Jetty `jetty-client`, `jetty-http2-client-transport` | ").append(Jetty.VERSION).append(" |\n");
        sb.append('\n');

        Map<String, Integer> perSender = new LinkedHashMap<>();
        Map<String, Integer> perReceiver = new LinkedHashMap<>();
        for (MatrixCase c : cases) {
            perSender.merge(family(c.cell().sender()), 1, Integer::sum);
            perReceiver.merge(c.receiver().name(), 1, Integer::sum);
        }
        sb.append("### Cases\n\n");
        sb.append(cases.size()).append(" cases. By sender: ");
        sb.append(String.join(", ", perSender.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
        sb.append(". By receiver: ");
        sb.append(String.join(", ", perReceiver.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
        sb.append(".\n\n");
        sb.append("| # | sender | header | transport | receiver | configuration | checks |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (MatrixCase c : cases) {
            Matrix.Cell cell = c.cell();
            String config = cell.setup().configPath();
            String configCell = config == null
                    ? (cell.setup().kind() == Matrix.Kind.RELAY ? "byte relay (no header of its own)" : "—")
                    : "[" + config.substring(config.lastIndexOf('/') + 1) + "](../" + config + ")";
            sb.append("| ").append(c.number())
                    .append(" | ").append(cell.sender())
                    .append(" | ").append(cell.header())
                    .append(" | ").append(cell.transport())
                    .append(" | ").append(c.receiver().name())
                    .append(" | ").append(configCell)
                    .append(" | ").append(cell.checks())
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String family(String sender) {
        for (String name : new String[] {"HAProxy", "nginx", "curl", "Netty", "Jetty"}) {
            if (sender.startsWith(name)) {
                return name;
            }
        }
        return sender;
    }

    static Path repositoryRoot() {
        return Configs.root().getParent().getParent();
    }

    @Test
    void docsInteropMdListsEveryCase() throws Exception {
        String generated = generated();
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("interop-matrix.md"), BEGIN + "\n" + generated + END + "\n",
                    StandardCharsets.UTF_8);
        }
        Path doc = repositoryRoot().resolve("docs/interop.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertTrue(begin >= 0 && end > begin, doc + " has no generated part between\n" + BEGIN + "\nand\n" + END);
        String documented = text.substring(begin + BEGIN.length() + 1, end);
        assertEquals(generated, documented, doc + " is out of date with Matrix.java: copy "
                + target.toAbsolutePath().resolve("interop-matrix.md") + " over its generated part");
    }

    @Test
    void installedSendersAreTheDocumentedBranches() throws Exception {
        String haproxy = run(ExternalTool.require("haproxy", "haproxy").toString(), "-v");
        assertTrue(haproxy.contains("HAProxy version " + Matrix.HAPROXY_BRANCH + "."), haproxy);
        String nginx = run(ExternalTool.require("nginx", "nginx").toString(), "-v");
        assertTrue(nginx.contains("nginx/" + Matrix.NGINX_BRANCH + "."), nginx);
        String curl = run(ExternalTool.require("curl", "curl").toString(), "--version");
        assertTrue(curl.startsWith("curl " + Matrix.CURL_BRANCH + "."), curl);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("interop-versions.txt"), String.join("\n",
                    haproxy.lines().findFirst().orElse(""), nginx.strip(), curl.lines().findFirst().orElse(""),
                    "netty-codec-haproxy " + nettyVersion(), "jetty-client " + Jetty.VERSION, ""));
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}

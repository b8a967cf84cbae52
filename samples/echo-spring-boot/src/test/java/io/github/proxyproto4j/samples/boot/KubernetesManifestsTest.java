package io.github.proxyproto4j.samples.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * samples/kubernetes: every YAML file is well-formed, and its objects are the reference scenario's: the echo
 * Deployment with ports 8080 and 9080 and a trusted-proxies setting, the PROXY Services to 9080 with their
 * cloud's annotation, the plain one to 8080.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("..", "kubernetes");

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> load(String file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(DIR.resolve(file)))) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, String... path) {
        Object n = node;
        for (String p : path) {
            if (n instanceof List<?> l) {
                n = l.get(Integer.parseInt(p));
            } else {
                n = ((Map<String, Object>) n).get(p);
            }
        }
        return (T) n;
    }

    private static String name(Map<String, Object> doc) {
        return at(doc, "metadata", "name");
    }

    private static int targetPort(Map<String, Object> service) {
        List<Map<String, Object>> ports = at(service, "spec", "ports");
        assertEquals(1, ports.size(), name(service));
        return (Integer) ports.get(0).get("targetPort");
    }

    @Test
    void everyYamlFileParsesAndHasAKind() throws IOException {
        try (var files = Files.list(DIR)) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertEquals(3, yaml.size(), yaml.toString());
            for (Path f : yaml) {
                List<Map<String, Object>> docs = load(f.getFileName().toString());
                assertTrue(!docs.isEmpty(), f.toString());
                for (Map<String, Object> doc : docs) {
                    assertTrue(doc.get("apiVersion") instanceof String && doc.get("kind") instanceof String, f + ": " + doc);
                }
            }
        }
    }

    @Test
    void theDeploymentServesBothPortsAndSetsTrustedProxies() throws IOException {
        List<Map<String, Object>> docs = load("echo-deployment.yaml");
        assertEquals(1, docs.size());
        Map<String, Object> d = docs.get(0);
        assertEquals("Deployment", d.get("kind"));
        assertEquals("echo", (Object) at(d, "spec", "template", "metadata", "labels", "app"));
        assertEquals("echo", (Object) at(d, "spec", "selector", "matchLabels", "app"));
        Map<String, Object> container = at(d, "spec", "template", "spec", "containers", "0");
        List<Map<String, Object>> ports = at(container, "ports");
        assertEquals(List.of(8080, 9080), ports.stream().map(p -> p.get("containerPort")).toList());
        assertEquals(List.of("http", "http-pp"), ports.stream().map(p -> p.get("name")).toList());
        List<String> args = at(container, "args");
        assertTrue(args.stream().anyMatch(a -> a.matches("--proxy-protocol\\.trusted-proxies=\\S+")), args.toString());
        assertTrue(((String) container.get("image")).contains("echo-spring-boot"));
        // The kubelet sends no PROXY header: the probes go to the plain port.
        assertEquals("http", (Object) at(container, "readinessProbe", "httpGet", "port"));
        assertEquals("http", (Object) at(container, "livenessProbe", "httpGet", "port"));
    }

    @Test
    void ibmCloudHasAProxyProtocolServiceTo9080AndAPlainOneTo8080() throws IOException {
        List<Map<String, Object>> docs = load("echo-services-ibm.yaml");
        assertEquals(List.of("Service", "Service"), docs.stream().map(d -> d.get("kind")).toList());
        Map<String, Object> pp = docs.get(0);
        Map<String, Object> plain = docs.get(1);
        assertEquals("proxy-protocol",
                (Object) at(pp, "metadata", "annotations", "service.kubernetes.io/ibm-load-balancer-cloud-provider-enable-features"));
        assertEquals("LoadBalancer", (Object) at(pp, "spec", "type"));
        assertEquals(9080, targetPort(pp));
        assertEquals(null, (Object) at(plain, "metadata", "annotations"));
        assertEquals(8080, targetPort(plain));
        for (Map<String, Object> s : docs) {
            assertEquals("echo", (Object) at(s, "spec", "selector", "app"), name(s));
        }
    }

    @Test
    void awsHasAnNlbWithProxyProtocolTo9080() throws IOException {
        List<Map<String, Object>> docs = load("echo-service-aws-nlb.yaml");
        assertEquals(1, docs.size());
        Map<String, Object> s = docs.get(0);
        assertEquals("Service", s.get("kind"));
        Map<String, String> annotations = at(s, "metadata", "annotations");
        assertEquals("external", annotations.get("service.beta.kubernetes.io/aws-load-balancer-type"));
        assertEquals("ip", annotations.get("service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"));
        assertEquals("*", annotations.get("service.beta.kubernetes.io/aws-load-balancer-proxy-protocol"));
        assertEquals(9080, targetPort(s));
        assertEquals("echo", (Object) at(s, "spec", "selector", "app"));
    }
}

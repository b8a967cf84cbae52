package io.github.proxyproto4j.interop.matrix;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

/**
 * The echo servlet's answer, by section ({@code Request Information}, {@code Proxy Information}, ...), and what a
 * cell expects of it. Addresses are compared as {@link InetAddress} values: {@code ::1} and
 * {@code 0:0:0:0:0:0:0:1} are one address, and so are {@code ::ffff:127.0.0.42} and {@code 127.0.0.42}.
 */
final class Echo {
    private final String text;
    private final Map<String, Map<String, String>> sections = new HashMap<>();

    private Echo(String text) {
        this.text = text;
        Map<String, String> current = new HashMap<>();
        for (String line : text.split("\r?\n")) {
            if (line.endsWith(":") && !line.startsWith("\t")) {
                current = sections.computeIfAbsent(line.substring(0, line.length() - 1), k -> new HashMap<>());
            } else if (line.startsWith("\t")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    current.putIfAbsent(line.substring(1, eq), line.substring(eq + 1));
                }
            }
        }
    }

    static Echo parse(String text) {
        return new Echo(text);
    }

    String request(String key) {
        return sections.getOrDefault("Request Information", Map.of()).get(key);
    }

    String proxy(String key) {
        return sections.getOrDefault("Proxy Information", Map.of()).get(key);
    }

    String server(String key) {
        return sections.getOrDefault("Server values", Map.of()).get(key);
    }

    String text() {
        return text;
    }

    static InetAddress ip(String literal) {
        try {
            // Only literals here: getByName does no lookup for them.
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** {@code ip:port} or {@code [ipv6]:port}, as the echo writes source and destination. */
    static String hostOf(String address) {
        if (address.startsWith("[")) {
            return address.substring(1, address.indexOf(']'));
        }
        return address.substring(0, address.lastIndexOf(':'));
    }

    static int portOf(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** What one answer must show; {@link #verify} checks it all and reports every difference at once. */
    static final class Expect {
        private final MatrixCase c;
        private final Echo echo;
        private final String raw;
        private String client;
        private String source;
        private String destination;
        private int destinationPort = -1;
        private String command = "PROXY";
        private final Map<String, String> lines = new LinkedHashMap<>();
        private final List<String> present = new ArrayList<>();

        Expect(MatrixCase c, String response) {
            this.c = c;
            this.raw = response;
            int body = response.startsWith("HTTP/") ? response.indexOf("\r\n\r\n") : -1;
            this.echo = parse(body >= 0 ? response.substring(body + 4) : response);
        }

        /** The client, as the application reports it; also the header's source unless {@link #source} says else. */
        Expect client(String ip) {
            this.client = ip;
            if (source == null) {
                source = ip;
            }
            return this;
        }

        Expect source(String ip) {
            this.source = ip;
            return this;
        }

        Expect destination(String ip, int port) {
            this.destination = ip;
            this.destinationPort = port;
            return this;
        }

        Expect line(String key, String value) {
            lines.put(key, value);
            return this;
        }

        Expect present(String key) {
            present.add(key);
            return this;
        }

        Echo verify() {
            String context = c + "\n" + raw;
            assertNotNull(echo.request("client_address"), "no echo answer: " + context);
            List<Executable> checks = new ArrayList<>();
            if (raw.startsWith("HTTP/")) {
                checks.add(() -> assertTrue(raw.startsWith("HTTP/1.1 200"), "status: " + context));
            }
            checks.add(() -> assertTrue(String.valueOf(echo.server("server_version"))
                    .startsWith(c.receiver().serverVersion()), "server_version: " + context));
            checks.add(() -> assertEquals(c.cell().transport().requestVersion(), echo.request("request_version"),
                    "request_version: " + context));
            checks.add(() -> assertEquals(c.cell().transport().scheme(), echo.request("request_scheme"),
                    "request_scheme: " + context));
            checks.add(() -> assertEquals(ip(client), ip(echo.request("client_address")), "client_address: " + context));
            checks.add(() -> assertEquals(Integer.toString(c.cell().version()), echo.proxy("version"),
                    "version: " + context));
            checks.add(() -> assertEquals(command, echo.proxy("command"), "command: " + context));
            checks.add(() -> assertEquals(ip(source), ip(hostOf(echo.proxy("source"))), "source: " + context));
            if (destination != null) {
                checks.add(() -> assertEquals(ip(destination), ip(hostOf(echo.proxy("destination"))),
                        "destination: " + context));
                checks.add(() -> assertEquals(destinationPort, portOf(echo.proxy("destination")),
                        "destination port: " + context));
            }
            // Every sender here connects to the application from 127.0.0.1: the one peer it trusts.
            checks.add(() -> assertEquals(ip("127.0.0.1"), ip(echo.proxy("proxy_address")),
                    "proxy_address: " + context));
            for (Map.Entry<String, String> e : lines.entrySet()) {
                checks.add(() -> assertEquals(e.getValue(), echo.proxy(e.getKey()), e.getKey() + ": " + context));
            }
            for (String key : present) {
                checks.add(() -> assertTrue(echo.proxy(key) != null && !echo.proxy(key).isEmpty(),
                        key + " missing: " + context));
            }
            assertAll(c.toString(), checks);
            return echo;
        }
    }
}

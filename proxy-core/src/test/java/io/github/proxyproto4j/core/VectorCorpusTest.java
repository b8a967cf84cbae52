package io.github.proxyproto4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every vector file: each vector whole, in a direct buffer at an offset, split in two at every
 * position, and byte by byte. All must agree with the file and with each other.
 *
 * <p>{@code -Dproxyproto4j.vectors=/some/dir} runs the {@code *.tsv} files of another folder too, such as
 * an independent corpus kept outside the repository.
 */
class VectorCorpusTest {
    private static final HexFormat HEX = HexFormat.of();

    static List<Vector> corpus() throws IOException, URISyntaxException {
        List<Path> dirs = new ArrayList<>();
        dirs.add(Path.of(VectorCorpusTest.class.getResource("/vectors").toURI()));
        String extra = System.getProperty("proxyproto4j.vectors");
        if (extra != null && !extra.isBlank()) {
            dirs.add(Path.of(extra));
        }
        List<Vector> all = new ArrayList<>();
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".tsv")).sorted().collect(Collectors.toList())) {
                    all.addAll(Vector.read(f));
                }
            }
        }
        return all;
    }

    @Test
    void corpusIsLargeAndNamesAreUnique() throws Exception {
        List<Vector> all = corpus();
        assertTrue(all.size() >= 150, "expected a corpus of at least 150 vectors, found " + all.size());
        Map<String, Long> names = all.stream()
                .collect(Collectors.groupingBy(v -> v.source().split(":")[0] + "/" + v.name(), Collectors.counting()));
        names.forEach((name, count) -> assertEquals(1L, count, "duplicate vector name " + name));
        for (String verdict : List.of("valid", "invalid", "incomplete")) {
            assertTrue(all.stream().anyMatch(v -> v.verdict().equals(verdict)), "no " + verdict + " vector");
        }
    }

    @TestFactory
    Stream<DynamicTest> everyVectorInEveryFeedingMode() throws Exception {
        return corpus().stream().map(v -> DynamicTest.dynamicTest(v.toString(), () -> check(v)));
    }

    private static void check(Vector v) {
        byte[] bytes = v.bytes();
        Feeder.Result whole = Feeder.feed(v::newDecoder, bytes);
        verify(v, whole, "whole");
        verifySame(v, whole, Feeder.directWithOffset(v::newDecoder, bytes), "direct buffer at an offset");
        verifySame(v, whole, Feeder.byteByByte(v::newDecoder, bytes), "byte by byte");
        for (int cut = 1; cut < bytes.length; cut++) {
            verifySame(v, whole, Feeder.feed(v::newDecoder, bytes, cut), "split at " + cut);
        }
    }

    private static void verifySame(Vector v, Feeder.Result expected, Feeder.Result actual, String mode) {
        String where = v + " (" + mode + ")";
        assertEquals(expected.reason(), actual.reason(), where);
        assertEquals(expected.header(), actual.header(), where);
        if (expected.header() != null) {
            assertEquals(expected.header().length(), actual.header().length(), where);
            assertArrayEquals(expected.rest(), actual.rest(), where + ": payload after the header");
        }
    }

    private static void verify(Vector v, Feeder.Result r, String mode) {
        String where = v + " (" + mode + ")";
        Map<String, String> e = v.expect();
        switch (v.verdict()) {
            case "invalid":
                if (r.reason() == null) {
                    fail(where + ": expected " + e.get("reason") + " but got " + r);
                }
                assertEquals(e.get("reason"), r.reason().name(), where);
                return;
            case "incomplete":
                assertTrue(r.incomplete(), where + ": expected incomplete but got " + r);
                return;
            default:
                break;
        }
        if (r.header() == null) {
            fail(where + ": expected a header but got " + r);
        }
        ProxyHeader h = r.header();
        int length = Integer.parseInt(e.get("length"));
        assertEquals(length, h.length(), where + ": length");
        assertArrayEquals(Arrays.copyOfRange(v.bytes(), length, v.bytes().length), r.rest(), where + ": payload");
        for (Map.Entry<String, String> entry : e.entrySet()) {
            String key = entry.getKey();
            String want = entry.getValue();
            String at = where + ": " + key;
            switch (key) {
                case "max_header", "max_tlv", "length" -> { }
                case "version" -> assertEquals(Integer.parseInt(want), h.version(), at);
                case "command" -> assertEquals(want, h.command().name(), at);
                case "family" -> assertEquals(want, h.family().name(), at);
                case "transport" -> assertEquals(want, h.transport().name(), at);
                case "src" -> assertEquals(address(want), h.sourceAddress(), at);
                case "dst" -> assertEquals(address(want), h.destinationAddress(), at);
                case "tlvs" -> assertEquals(want, h.tlvs().stream()
                        .map(t -> String.format("%02x:%s", t.type(), HEX.formatHex(t.value())))
                        .collect(Collectors.joining(",")), at);
                case "alpn" -> assertEquals(want, text(h.alpn()), at);
                case "authority" -> assertEquals(want, text(h.authority()), at);
                case "netns" -> assertEquals(want, text(h.netns()), at);
                case "aws" -> assertEquals(want, text(h.awsVpcEndpointId()), at);
                case "unique_id" -> assertEquals(want.toLowerCase(), h.uniqueId().map(HEX::formatHex).orElse("none"), at);
                case "azure" -> assertEquals(want, number(h.azurePrivateLinkId()), at);
                case "gcp" -> assertEquals(want, number(h.gcpPscConnectionId()), at);
                case "ssl" -> assertEquals(want, h.ssl().isPresent() ? "present" : "none", at);
                default -> {
                    if (!key.startsWith("ssl.")) {
                        fail(where + ": unknown key " + key);
                    }
                    SslInfo ssl = h.ssl().orElseThrow(() -> new AssertionError(at + ": no SSL TLV"));
                    assertEquals(want, ssl(ssl, key.substring(4), at), at);
                }
            }
        }
    }

    private static String ssl(SslInfo s, String key, String at) {
        return switch (key) {
            case "client" -> Integer.toString(s.client());
            case "verify" -> Long.toString(s.verify());
            case "verified" -> Boolean.toString(s.verified());
            case "client_ssl" -> Boolean.toString(s.clientSsl());
            case "cert_conn" -> Boolean.toString(s.clientCertConnection());
            case "cert_sess" -> Boolean.toString(s.clientCertSession());
            case "version" -> text(s.version());
            case "cn" -> text(s.commonName());
            case "cipher" -> text(s.cipher());
            case "sig_alg" -> text(s.signatureAlgorithm());
            case "key_alg" -> text(s.keyAlgorithm());
            case "group" -> text(s.group());
            case "sig_scheme" -> text(s.signatureScheme());
            case "cert" -> s.clientCertificate().map(HEX::formatHex).orElse("none");
            default -> throw new AssertionError(at + ": unknown key");
        };
    }

    private static String text(Optional<String> o) {
        return o.orElse("none");
    }

    private static String number(OptionalLong o) {
        return o.isPresent() ? Long.toString(o.getAsLong()) : "none";
    }

    /** Parses an expected address; literals only, so InetAddress does no lookup. */
    static SocketAddress address(String s) {
        if (s.equals("none")) {
            return null;
        }
        if (s.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(s.substring(5));
        }
        int colon = s.lastIndexOf(':');
        String host = s.substring(0, colon);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!host.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP literal: " + s);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(s.substring(colon + 1)));
        } catch (IOException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}

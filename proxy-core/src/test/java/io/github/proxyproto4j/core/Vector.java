package io.github.proxyproto4j.core;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One line of a vector file: the bytes, the verdict and the expected fields (format in vectors/README.md). */
record Vector(String source, String name, byte[] bytes, String verdict, Map<String, String> expect) {

    static List<Vector> read(Path file) throws IOException {
        List<Vector> vectors = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            String where = file.getFileName() + ":" + lineNo;
            if (cols.length < 3 || cols.length > 4) {
                throw new IllegalArgumentException(where + ": expected 4 TAB-separated columns, got " + cols.length);
            }
            String verdict = cols[2].trim();
            if (!List.of("valid", "invalid", "incomplete").contains(verdict)) {
                throw new IllegalArgumentException(where + ": unknown verdict " + verdict);
            }
            Map<String, String> expect = new LinkedHashMap<>();
            if (cols.length == 4 && !cols[3].isBlank()) {
                for (String pair : cols[3].trim().split(" +")) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException(where + ": not key=value: " + pair);
                    }
                    String value = URLDecoder.decode(pair.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
                    if (expect.put(pair.substring(0, eq), value) != null) {
                        throw new IllegalArgumentException(where + ": duplicate key " + pair.substring(0, eq));
                    }
                }
            }
            if (verdict.equals("invalid") && !expect.containsKey("reason")) {
                throw new IllegalArgumentException(where + ": an invalid vector needs reason=");
            }
            if (verdict.equals("valid") && !expect.containsKey("length")) {
                throw new IllegalArgumentException(where + ": a valid vector needs length=");
            }
            vectors.add(new Vector(where, cols[0].trim(), HexFormat.of().parseHex(cols[1].trim()), verdict, expect));
        }
        return vectors;
    }

    ProxyHeaderDecoder newDecoder() {
        int maxHeader = Integer.parseInt(expect.getOrDefault("max_header", "1024"));
        int maxTlv = Integer.parseInt(expect.getOrDefault("max_tlv", "1024"));
        return new ProxyHeaderDecoder(maxHeader, maxTlv);
    }

    @Override
    public String toString() {
        return source + " " + name;
    }
}

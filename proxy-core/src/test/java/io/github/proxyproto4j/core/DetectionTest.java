package io.github.proxyproto4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DetectionTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "'', NEED_MORE_DATA",
        "P, NEED_MORE_DATA",
        "PROXY, NEED_MORE_DATA",
        "'PROXY ', V1",
        "'PROXY TCP4 1.2.3.4', V1",
        "POST / HTTP/1.1, NOT_PROXY",
        "PUT, NOT_PROXY",
        "PATCH, NOT_PROXY",
        "PRI * HTTP/2.0, NOT_PROXY",
        "PROXX, NOT_PROXY",
        "proxy , NOT_PROXY",
        "'PROXY\t', NOT_PROXY",
        "GET / HTTP/1.1, NOT_PROXY",
    })
    void text(String input, Detection expected) {
        ByteBuffer in = ByteBuffer.wrap(input.getBytes(StandardCharsets.US_ASCII));
        assertEquals(expected, ProxyHeaderDecoder.detect(in));
        assertEquals(0, in.position(), "detect must not consume");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0d, NEED_MORE_DATA",
        "0d0a, NEED_MORE_DATA",
        "0d0a0d0a000d0a51554954, NEED_MORE_DATA",
        "0d0a0d0a000d0a515549540a, V2",
        "0d0a0d0a000d0a515549540a2111000c, V2",
        "0d0a474554, NOT_PROXY",
        "0d0a0d0a474554, NOT_PROXY",
        "0d0a0d0a000d0a515549540b, NOT_PROXY",
        "160301020000, NOT_PROXY",
        "00, NOT_PROXY",
        "0a, NOT_PROXY",
    })
    void binary(String hex, Detection expected) {
        ByteBuffer in = ByteBuffer.wrap(HexFormat.of().parseHex(hex));
        assertEquals(expected, ProxyHeaderDecoder.detect(in));
        assertEquals(0, in.position(), "detect must not consume");
    }

    @ParameterizedTest(name = "{0} at an offset -> {1}")
    @CsvSource({"'PROXY ', V1", "POST, NOT_PROXY"})
    void honoursPosition(String input, Detection expected) {
        byte[] text = input.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer in = ByteBuffer.allocate(text.length + 3);
        in.put(new byte[] {'x', 'y', 'z'}).put(text).position(3);
        assertEquals(expected, ProxyHeaderDecoder.detect(in));
        assertEquals(3, in.position());
    }
}

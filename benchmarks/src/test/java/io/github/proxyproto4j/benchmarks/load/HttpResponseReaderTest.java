package io.github.proxyproto4j.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-LENGTH:  11\r\n\r\n"
            + "203.0.113.7";

    @Test
    void findsTheEndOfAResponseReadInPieces() {
        HttpResponseReader reader = new HttpResponseReader();
        ByteBuffer in = ByteBuffer.allocate(1024);
        byte[] bytes = OK.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < bytes.length - 1; i++) {
            in.put(bytes[i]);
            assertEquals(HttpResponseReader.INCOMPLETE, reader.completeLength(in), "after " + (i + 1) + " bytes");
        }
        in.put(bytes[bytes.length - 1]);
        assertEquals(bytes.length, reader.completeLength(in));
        assertEquals(bytes.length - 11, reader.bodyStart());
    }

    @Test
    void rejectsOtherStatusesAndResponsesWithoutALength() {
        assertEquals(HttpResponseReader.MALFORMED,
                read("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
        assertEquals(HttpResponseReader.MALFORMED,
                read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
    }

    @Test
    void aHeaderSectionThatFillsTheBufferIsMalformed() {
        HttpResponseReader reader = new HttpResponseReader();
        ByteBuffer in = ByteBuffer.allocate(32);
        in.put("HTTP/1.1 200 OK\r\nX-Long: aaaaaaaaaaaaaa".getBytes(StandardCharsets.US_ASCII), 0, 32);
        assertEquals(HttpResponseReader.MALFORMED, reader.completeLength(in));
    }

    private static int read(String response) {
        ByteBuffer in = ByteBuffer.allocate(1024);
        in.put(response.getBytes(StandardCharsets.US_ASCII));
        return new HttpResponseReader().completeLength(in);
    }
}

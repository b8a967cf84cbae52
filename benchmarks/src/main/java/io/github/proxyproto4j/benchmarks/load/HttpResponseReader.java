package io.github.proxyproto4j.benchmarks.load;

import java.nio.ByteBuffer;

/**
 * Finds where one HTTP/1.1 response ends in a buffer that holds what was read so far from its start: after the
 * blank line, plus {@code Content-Length} bytes of body. Only a {@code 200} with a {@code Content-Length} is
 * accepted, which is what the load servers send. Reads with absolute gets: no copying, no allocation.
 */
final class HttpResponseReader {
    /** Not complete yet: read more. */
    static final int INCOMPLETE = 0;
    /** Not a 200 with a Content-Length, or a header section larger than the buffer. */
    static final int MALFORMED = -1;

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private int scanFrom;
    private int headerEnd = -1;
    private int contentLength = -1;

    /** Forgets the previous response, for the next one (read into the start of the buffer). */
    void reset() {
        scanFrom = 0;
        headerEnd = -1;
        contentLength = -1;
    }

    /**
     * @param in the bytes of the response so far, from index 0 to the position
     * @return the response's total length once it is all there, else {@link #INCOMPLETE} or {@link #MALFORMED}
     */
    int completeLength(ByteBuffer in) {
        int end = in.position();
        if (headerEnd < 0) {
            for (int i = Math.max(scanFrom, 3); i < end; i++) {
                if (in.get(i) == '\n' && in.get(i - 1) == '\r' && in.get(i - 2) == '\n' && in.get(i - 3) == '\r') {
                    headerEnd = i + 1;
                    break;
                }
            }
            if (headerEnd < 0) {
                scanFrom = end;
                return end == in.capacity() ? MALFORMED : INCOMPLETE;
            }
            // "HTTP/1.1 200 ": the status code is at 9..11.
            if (headerEnd < 16 || in.get(9) != '2' || in.get(10) != '0' || in.get(11) != '0') {
                return MALFORMED;
            }
            contentLength = contentLength(in, headerEnd);
            if (contentLength < 0) {
                return MALFORMED;
            }
        }
        int total = headerEnd + contentLength;
        return end >= total ? total : INCOMPLETE;
    }

    /** @return where the body starts; valid once {@link #completeLength} returned a length */
    int bodyStart() {
        return headerEnd;
    }

    private static int contentLength(ByteBuffer in, int headerEnd) {
        for (int line = 0; line < headerEnd; line++) {
            if (line > 0 && in.get(line - 1) != '\n') {
                continue;
            }
            if (matchesIgnoringCase(in, line, headerEnd)) {
                int i = line + CONTENT_LENGTH.length;
                while (i < headerEnd && in.get(i) == ' ') {
                    i++;
                }
                int value = 0;
                int digits = 0;
                while (i < headerEnd && in.get(i) >= '0' && in.get(i) <= '9' && digits < 9) {
                    value = value * 10 + (in.get(i) - '0');
                    i++;
                    digits++;
                }
                return digits == 0 ? -1 : value;
            }
        }
        return -1;
    }

    private static boolean matchesIgnoringCase(ByteBuffer in, int at, int limit) {
        if (at + CONTENT_LENGTH.length > limit) {
            return false;
        }
        for (int k = 0; k < CONTENT_LENGTH.length; k++) {
            // OR 0x20 lower-cases ASCII letters and leaves '-' and ':' as they are.
            if ((in.get(at + k) | 0x20) != CONTENT_LENGTH[k]) {
                return false;
            }
        }
        return true;
    }
}

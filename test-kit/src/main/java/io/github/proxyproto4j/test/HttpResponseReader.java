package io.github.proxyproto4j.test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads one HTTP/1.x response: status line, headers, body by Content-Length, chunked, or until EOF. */
final class HttpResponseReader {
    /** Longest status or header line accepted. */
    private static final int MAX_LINE = 64 * 1024;

    private HttpResponseReader() {
    }

    static HttpResult read(ProxyProtocolClient.RecordingInputStream in, boolean head) throws IOException {
        String statusLine;
        try {
            statusLine = readLine(in);
        } catch (IOException e) {
            if (in.count() == 0 && ProxyProtocolClient.ended(e)) {
                return HttpResult.closed();
            }
            throw e;
        }
        if (statusLine == null) {
            if (in.count() == 0) {
                return HttpResult.closed();
            }
            throw new EOFException("connection closed in the status line");
        }
        while (true) {
            int status = status(statusLine, in);
            List<Map.Entry<String, String>> headers = readHeaders(in);
            if (status >= 100 && status < 200 && status != 101) {
                statusLine = readLine(in); // an interim response: the real one follows
                if (statusLine == null) {
                    throw new EOFException("connection closed after an interim " + status + " response");
                }
                continue;
            }
            byte[] body;
            if (head || status == 204 || status == 304 || status < 200) {
                body = new byte[0];
            } else if (chunked(headers)) {
                body = readChunked(in);
            } else {
                String length = first(headers, "Content-Length");
                if (length != null) {
                    long n;
                    try {
                        n = Long.parseLong(length.trim());
                    } catch (NumberFormatException e) {
                        throw new IOException("bad Content-Length: " + length);
                    }
                    if (n < 0 || n > Integer.MAX_VALUE - 8) {
                        throw new IOException("bad Content-Length: " + length);
                    }
                    body = in.readNBytes((int) n);
                    if (body.length < n) {
                        throw new EOFException("connection closed after " + body.length + " of " + n + " body bytes");
                    }
                } else {
                    body = in.readAllBytes();
                }
            }
            return new HttpResult(status, statusLine, headers, body, in.recorded());
        }
    }

    private static int status(String line, ProxyProtocolClient.RecordingInputStream in) throws IOException {
        // HTTP/1.1 200 OK (the reason phrase may be empty or missing)
        if (line.startsWith("HTTP/") && line.length() >= 12 && line.charAt(8) == ' ') {
            String code = line.substring(9, 12);
            if (code.chars().allMatch(Character::isDigit) && (line.length() == 12 || line.charAt(12) == ' ')) {
                return Integer.parseInt(code);
            }
        }
        String received = new String(in.recorded(), StandardCharsets.ISO_8859_1);
        throw new IOException("not an HTTP response: "
                + (received.length() > 200 ? received.substring(0, 200) + "..." : received));
    }

    private static List<Map.Entry<String, String>> readHeaders(InputStream in) throws IOException {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("connection closed in the response headers");
            }
            if (line.isEmpty()) {
                return headers;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                // obsolete line folding: part of the previous value
                Map.Entry<String, String> last = headers.remove(headers.size() - 1);
                headers.add(new AbstractMap.SimpleImmutableEntry<>(last.getKey(), last.getValue() + " " + line.trim()));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad response header line: " + line);
            }
            headers.add(new AbstractMap.SimpleImmutableEntry<>(line.substring(0, colon).trim(),
                    line.substring(colon + 1).trim()));
        }
    }

    private static boolean chunked(List<Map.Entry<String, String>> headers) {
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equalsIgnoreCase("Transfer-Encoding")
                    && e.getValue().toLowerCase(Locale.ROOT).contains("chunked")) {
                return true;
            }
        }
        return false;
    }

    private static String first(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("connection closed in a chunk size line");
            }
            int semi = line.indexOf(';'); // chunk extensions
            String hex = (semi >= 0 ? line.substring(0, semi) : line).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size line: " + line);
            }
            if (size < 0) {
                throw new IOException("bad chunk size line: " + line);
            }
            if (size == 0) {
                readHeaders(in); // trailers, up to the empty line
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new EOFException("connection closed in a chunk");
            }
            body.writeBytes(chunk);
            String end = readLine(in);
            if (end == null || !end.isEmpty()) {
                throw new IOException("a chunk does not end with CRLF");
            }
        }
    }

    /** @return a line without its CRLF (or bare LF), or {@code null} at EOF before any byte of it */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("connection closed in a line");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            if (line.size() > MAX_LINE) {
                throw new IOException("response line longer than " + MAX_LINE + " bytes");
            }
        }
    }
}

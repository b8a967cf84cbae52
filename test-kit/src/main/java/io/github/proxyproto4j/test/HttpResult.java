package io.github.proxyproto4j.test;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What came back on one connection: an HTTP response, or nothing at all ({@link #closedWithoutResponse()}).
 * Immutable.
 */
public final class HttpResult {
    private static final HttpResult CLOSED = new HttpResult(-1, "", List.of(), new byte[0], new byte[0]);

    private final int status;
    private final String statusLine;
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;
    private final byte[] raw;

    HttpResult(int status, String statusLine, List<Map.Entry<String, String>> headers, byte[] body, byte[] raw) {
        this.status = status;
        this.statusLine = statusLine;
        List<Map.Entry<String, String>> copy = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> e : headers) {
            copy.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
        }
        this.headers = List.copyOf(copy);
        this.body = body;
        this.raw = raw;
    }

    static HttpResult closed() {
        return CLOSED;
    }

    /**
     * @return true when the server closed the connection (EOF or RST, or ended the TLS handshake that way)
     *         without sending a byte of response: what a strict PROXY protocol port does with a connection it
     *         rejects. {@link #status()} is then -1 and everything else is empty.
     */
    public boolean closedWithoutResponse() {
        return status < 0;
    }

    /** @return the status code, e.g. 200; -1 when {@link #closedWithoutResponse()} */
    public int status() {
        return status;
    }

    /** @return the status line without CRLF, e.g. {@code HTTP/1.1 200 OK}; empty when closed without a response */
    public String statusLine() {
        return statusLine;
    }

    /**
     * @param name a header name, any case
     * @return the first value of that header, or {@code null}
     */
    public String header(String name) {
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * @param name a header name, any case
     * @return every value of that header, in order; empty if none
     */
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equalsIgnoreCase(name)) {
                values.add(e.getValue());
            }
        }
        return values;
    }

    /** @return the response headers as received, names in their own case, in order */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /**
     * @return the body as text, decoded (chunked transfer coding removed) in the charset of its
     *         {@code Content-Type}, UTF-8 if none
     */
    public String body() {
        return new String(body, charset());
    }

    /** @return the body's bytes, chunked transfer coding removed */
    public byte[] bodyBytes() {
        return body.clone();
    }

    /** @return every byte the server sent, as received (interim responses and chunk framing included) */
    public byte[] raw() {
        return raw.clone();
    }

    private Charset charset() {
        String type = header("Content-Type");
        if (type != null) {
            for (String param : type.split(";")) {
                String p = param.trim();
                if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                    String name = p.substring("charset=".length()).replace("\"", "").trim();
                    try {
                        return Charset.forName(name);
                    } catch (IllegalCharsetNameException | UnsupportedCharsetException ignored) {
                        break;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** @return the status line, the headers, an empty line and the body, or a note that the server closed */
    @Override
    public String toString() {
        if (closedWithoutResponse()) {
            return "connection closed without a response";
        }
        StringBuilder sb = new StringBuilder(statusLine).append('\n');
        for (Map.Entry<String, String> e : headers) {
            sb.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        return sb.append('\n').append(body()).toString();
    }
}

package io.github.proxyproto4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's code examples live here, between {@code tag::} and {@code end::} markers, and this test
 * fails when the README's copy differs: the docs cannot rot.
 */
class ReadmeExamplesTest {

    /** What an adapter does with each read: feed the decoder until it answers. */
    static SocketAddress clientOf(ByteBuffer firstBytes, SocketAddress socketPeer) throws ProxyProtocolException {
        // tag::decode[]
        ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();   // one per connection
        ProxyHeader header = decoder.decode(firstBytes);         // call again with each read while it returns null
        if (header == null) {
            return null;                                         // wait for more bytes
        }
        // firstBytes is now positioned just after the header: the HTTP request or TLS ClientHello follows.
        SocketAddress client = header.command() == Command.PROXY && header.sourceAddress() != null
                ? header.sourceAddress()                         // the real client
                : socketPeer;                                    // LOCAL (health check) or UNKNOWN
        header.ssl().ifPresent(ssl -> System.out.println("client TLS " + ssl.version().orElse("?")));
        header.awsVpcEndpointId().ifPresent(id -> System.out.println("via " + id));
        // end::decode[]
        return client;
    }

    /** Building and encoding a header, as a test sender does. */
    static byte[] encodeExample() {
        // tag::encode[]
        ProxyHeader header = ProxyHeader.builder()                      // v2 by default; .version(1) for text
                .addresses(new InetSocketAddress("127.0.0.42", 40000),  // the client
                           new InetSocketAddress("10.0.0.1", 9080))     // what it connected to
                .alpn("h2")
                .awsVpcEndpointId("vpce-08d2bf15fac5001c9")
                .build();
        byte[] bytes = ProxyHeaderEncoder.encodeV2(header, true);       // true: append a CRC32C TLV
        // end::encode[]
        return bytes;
    }

    /** What an adapter does per connection, with the policy deciding. */
    static SocketAddress handshakeExample(ByteBuffer read, SocketAddress peer) {
        // tag::handshake[]
        ProxyProtocolConfig config = ProxyProtocolConfig.builder()
                .trustedProxies("10.0.0.0/8")                          // your load balancers
                .build();
        ProxyProtocolPolicy policy = new ProxyProtocolPolicy(config, new ProxyProtocolCounters()); // one per port

        ConnectionHandshake handshake = policy.open(peer);              // at accept
        if (!handshake.isDone()) {
            handshake.onBytes(read);                                    // each read, until isDone();
        }                                                               // onTimeout() at deadlineNanos()
        if (handshake.outcome() == Outcome.REJECTED) {
            return null;                                                // close: not one byte of response
        }
        SocketAddress client = handshake.remoteAddress(peer);          // the header's client, when applied
        // end::handshake[]
        return client;
    }

    @Test
    void theDecodeExampleWorks() throws Exception {
        ByteBuffer in = ByteBuffer.wrap("PROXY TCP4 127.0.0.42 10.0.0.1 40000 9080\r\nGET / HTTP/1.1\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        SocketAddress client = clientOf(in, new InetSocketAddress("127.0.0.1", 1));
        assertEquals(new InetSocketAddress("127.0.0.42", 40000), client);
        assertEquals('G', in.get(in.position()));
    }

    @Test
    void theEncodeExampleDecodes() throws Exception {
        ProxyHeader h = new ProxyHeaderDecoder().decode(ByteBuffer.wrap(encodeExample()));
        assertEquals(new InetSocketAddress("127.0.0.42", 40000), h.sourceAddress());
        assertEquals("vpce-08d2bf15fac5001c9", h.awsVpcEndpointId().orElseThrow());
    }

    @Test
    void theHandshakeExampleAppliesTheHeaderFromATrustedPeerOnly() {
        String v1 = "PROXY TCP4 127.0.0.42 10.0.0.1 40000 9080\r\nGET / HTTP/1.1\r\n\r\n";
        ByteBuffer in = ByteBuffer.wrap(v1.getBytes(StandardCharsets.US_ASCII));
        assertEquals(new InetSocketAddress("127.0.0.42", 40000),
                handshakeExample(in, new InetSocketAddress("10.1.2.3", 5555)));
        assertEquals('G', in.get(in.position()));
        assertEquals(null, handshakeExample(ByteBuffer.wrap(v1.getBytes(StandardCharsets.US_ASCII)),
                new InetSocketAddress("203.0.113.9", 5555)));
    }

    @Test
    void theRootReadmeShowsTheseExamplesVerbatim() throws IOException {
        assertExamplesIn(Path.of("..", "README.md"), "decode");
    }

    @Test
    void theCoreReadmeShowsTheseExamplesVerbatim() throws IOException {
        assertExamplesIn(Path.of("README.md"), "decode", "encode", "handshake");
    }

    private static void assertExamplesIn(Path readme, String... tags) throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/github/proxyproto4j/core/ReadmeExamplesTest.java"));
        String doc = Files.readString(readme);
        Matcher m = Pattern.compile("// tag::(\\w+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]", Pattern.DOTALL).matcher(source);
        java.util.Set<String> wanted = new java.util.HashSet<>(java.util.List.of(tags));
        while (m.find()) {
            if (wanted.remove(m.group(1))) {
                String block = m.group(2).stripIndent();
                assertTrue(doc.contains(block), readme + " must contain the '" + m.group(1) + "' example exactly:\n" + block);
            }
        }
        assertTrue(wanted.isEmpty(), "examples not found in the test source: " + wanted);
    }
}

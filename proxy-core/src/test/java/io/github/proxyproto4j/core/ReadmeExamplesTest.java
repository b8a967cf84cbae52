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

    @Test
    void theDecodeExampleWorks() throws Exception {
        ByteBuffer in = ByteBuffer.wrap("PROXY TCP4 127.0.0.42 10.0.0.1 40000 9080\r\nGET / HTTP/1.1\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        SocketAddress client = clientOf(in, new InetSocketAddress("127.0.0.1", 1));
        assertEquals(new InetSocketAddress("127.0.0.42", 40000), client);
        assertEquals('G', in.get(in.position()));
    }

    @Test
    void theRootReadmeShowsTheseExamplesVerbatim() throws IOException {
        assertExamplesIn(Path.of("..", "README.md"));
    }

    @Test
    void theCoreReadmeShowsTheseExamplesVerbatim() throws IOException {
        assertExamplesIn(Path.of("README.md"));
    }

    private static void assertExamplesIn(Path readme) throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/github/proxyproto4j/core/ReadmeExamplesTest.java"));
        String doc = Files.readString(readme);
        Matcher m = Pattern.compile("// tag::(\\w+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]", Pattern.DOTALL).matcher(source);
        int found = 0;
        while (m.find()) {
            found++;
            String block = m.group(2).stripIndent();
            assertTrue(doc.contains(block), readme + " must contain the '" + m.group(1) + "' example exactly:\n" + block);
        }
        assertTrue(found > 0, "no tagged examples found");
    }
}

package io.github.proxyproto4j.samples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FlagsTest {
    @Test
    void defaults() {
        Flags f = Flags.parse();
        assertEquals("0.0.0.0", f.host());
        assertEquals(8080, f.plainPort());
        assertEquals(9080, f.proxyPort());
        assertEquals(ProxyProtocolConfig.defaults(), f.config());
        assertEquals("plain HTTP on 0.0.0.0:8080", f.plainLine(8080));
        assertEquals("PROXY protocol (required, trusted-proxies=all) on 0.0.0.0:9080", f.proxyLine(9080));
    }

    @Test
    void everyFlag() {
        Flags f = Flags.parse("--server.port=0", "--proxy-protocol.port=19080", "--server.address=127.0.0.1",
                "--proxy-protocol.mode=mixed", "--proxy-protocol.trusted-proxies=10.0.0.0/8",
                "--proxy-protocol.header-timeout=500ms", "--proxy-protocol.max-pending=7");
        assertEquals(0, f.plainPort());
        assertEquals(19080, f.proxyPort());
        assertEquals("127.0.0.1", f.host());
        assertEquals(Duration.ofMillis(500), f.config().headerTimeout());
        assertEquals(7, f.config().maxPending());
        assertEquals("PROXY protocol (mixed, trusted-proxies=10.0.0.0/8) on 127.0.0.1:1", f.proxyLine(1));
    }

    @Test
    void usageErrors() {
        for (String bad : new String[] {"--nope=1", "--proxy-protocol.nope=1", "server.port=1", "--server.port",
                "--server.port=-1", "--server.port=x", "--proxy-protocol.header-timeout=soon",
                "--proxy-protocol.mode=mixed"}) {
            assertThrows(Flags.UsageException.class, () -> Flags.parse(bad), bad);
        }
    }

    @Test
    void helpAndUsage() {
        assertTrue(Flags.wantsHelp("--server.port=1", "-h"));
        assertFalse(Flags.wantsHelp("--server.port=1"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Flags.usage(new PrintStream(out, true, StandardCharsets.UTF_8), "x.jar");
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("usage: java -jar x.jar [--name=value ...]"), text);
        for (ConfigKey k : ConfigKey.values()) {
            assertTrue(text.contains(k.sampleFlag() + "=VALUE"), text);
        }
    }
}

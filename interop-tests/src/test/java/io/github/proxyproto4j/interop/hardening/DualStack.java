package io.github.proxyproto4j.interop.hardening;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Whether a port is held by an IPv6 wildcard ({@code ::}) listening socket, which also takes IPv4 as mapped. */
final class DualStack {
    private DualStack() {
    }

    static boolean listensOnAny(int port) throws IOException {
        String local = "00000000000000000000000000000000:" + String.format(Locale.ROOT, "%04X", port);
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp6"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && f[1].equals(local) && "0A".equals(f[3])) {
                return true;
            }
        }
        return false;
    }
}

package io.github.proxyproto4j.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The peers allowed to send a PROXY header: IPv4 and IPv6 CIDR blocks and single addresses, immutable.
 *
 * <ul>
 *   <li>An empty list trusts every peer (the adapters log one WARN at start-up saying so).</li>
 *   <li>An IPv4-mapped IPv6 peer ({@code ::ffff:10.0.0.1}) matches the IPv4 rule, and a rule written in
 *       mapped form is an IPv4 rule.</li>
 *   <li>A Unix-domain peer has no IP address and is always trusted: only local processes can connect to
 *       a Unix socket, and its file permissions already decide who may.</li>
 *   <li>Entries are IP literals only, never host names, so parsing does no DNS.</li>
 *   <li>Host bits below the prefix are ignored: {@code 10.1.2.3/8} means {@code 10.0.0.0/8}.</li>
 * </ul>
 */
public final class TrustedProxies {
    private static final TrustedProxies ALL = new TrustedProxies(List.of());

    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = blocks;
    }

    /** @return the empty list, which trusts every peer */
    public static TrustedProxies all() {
        return ALL;
    }

    /**
     * Parses a comma-separated list such as {@code "10.0.0.0/8, 192.168.1.7, 2001:db8::/32"}.
     *
     * @param list the entries; blank means trust all
     * @return the trusted proxies
     * @throws IllegalArgumentException naming the first entry that is not an IP literal or CIDR block
     */
    public static TrustedProxies parse(String list) {
        if (list == null || list.isBlank()) {
            return ALL;
        }
        return of(Arrays.asList(list.split(",")));
    }

    /**
     * Parses entries, one address or CIDR block each.
     *
     * @param entries the entries; blank entries are skipped
     * @return the trusted proxies
     * @throws IllegalArgumentException naming the first entry that is not an IP literal or CIDR block
     */
    public static TrustedProxies of(List<String> entries) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : entries) {
            String e = entry.trim();
            if (!e.isEmpty()) {
                blocks.add(Block.parse(e));
            }
        }
        return blocks.isEmpty() ? ALL : new TrustedProxies(List.copyOf(blocks));
    }

    /** @return whether no entry is configured, so that every peer is trusted */
    public boolean trustsAll() {
        return blocks.isEmpty();
    }

    /**
     * Whether a peer may send a header.
     *
     * @param peer the connection's remote address
     * @return true for a Unix-domain peer, for any peer when the list is empty, and for an IP inside a block
     */
    public boolean isTrusted(SocketAddress peer) {
        if (peer instanceof UnixDomainSocketAddress || blocks.isEmpty()) {
            return true;
        }
        if (!(peer instanceof InetSocketAddress)) {
            return false;
        }
        InetAddress address = ((InetSocketAddress) peer).getAddress();
        return address != null && isTrusted(address);
    }

    /**
     * Whether an address lies in one of the blocks (or the list is empty).
     *
     * @param address the address
     * @return whether it is trusted
     */
    public boolean isTrusted(InetAddress address) {
        if (blocks.isEmpty()) {
            return true;
        }
        byte[] bytes = Block.normalize(address.getAddress());
        for (Block block : blocks) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** @return the entries in canonical form, e.g. {@code [10.0.0.0/8, 2001:db8::/32]} */
    public List<String> entries() {
        List<String> out = new ArrayList<>(blocks.size());
        for (Block b : blocks) {
            out.add(b.toString());
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedProxies other && blocks.equals(other.blocks);
    }

    @Override
    public int hashCode() {
        return blocks.hashCode();
    }

    /** @return the entries joined by commas, as {@link #parse} reads them */
    @Override
    public String toString() {
        return String.join(",", entries());
    }

    /** One CIDR block, in network byte order; IPv4 is 4 bytes, never mapped. */
    private static final class Block {
        private final byte[] network;
        private final int prefix;

        private Block(byte[] network, int prefix) {
            this.network = network;
            this.prefix = prefix;
        }

        static Block parse(String entry) {
            int slash = entry.indexOf('/');
            String ip = slash < 0 ? entry : entry.substring(0, slash);
            byte[] text = ip.getBytes(StandardCharsets.US_ASCII);
            byte[] bytes;
            boolean v6 = ip.indexOf(':') >= 0;
            if (v6) {
                bytes = new byte[16];
                if (!IpLiterals.ipv6(text, 0, text.length, bytes, 0)) {
                    throw invalid(entry);
                }
            } else {
                bytes = new byte[4];
                if (!IpLiterals.ipv4(text, 0, text.length, bytes, 0)) {
                    throw invalid(entry);
                }
            }
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String p = entry.substring(slash + 1);
                if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
                    throw invalid(entry);
                }
                prefix = Integer.parseInt(p);
            }
            if (bytes.length == 16 && IpLiterals.isIpv4Mapped(bytes, 0) && prefix >= 96) {
                bytes = Arrays.copyOfRange(bytes, 12, 16);
                prefix -= 96;
            }
            return new Block(mask(bytes, prefix), prefix);
        }

        static byte[] normalize(byte[] address) {
            return address.length == 16 && IpLiterals.isIpv4Mapped(address, 0) ? Arrays.copyOfRange(address, 12, 16) : address;
        }

        private static byte[] mask(byte[] bytes, int prefix) {
            byte[] out = bytes.clone();
            for (int i = 0; i < out.length; i++) {
                int keep = Math.max(0, Math.min(8, prefix - 8 * i));
                out[i] &= (byte) (0xFF << (8 - keep));
            }
            return out;
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int m = 0xFF << (8 - rest) & 0xFF;
            return (address[full] & m) == (network[full] & 0xFF);
        }

        private static IllegalArgumentException invalid(String entry) {
            return new IllegalArgumentException("not an IP address or CIDR block: '" + entry + "'");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Block other && prefix == other.prefix && Arrays.equals(network, other.network);
        }

        @Override
        public int hashCode() {
            return 31 * prefix + Arrays.hashCode(network);
        }

        @Override
        public String toString() {
            String host = IpLiterals.format(network, 0, network.length);
            return prefix == network.length * 8 ? host : host + "/" + prefix;
        }
    }
}

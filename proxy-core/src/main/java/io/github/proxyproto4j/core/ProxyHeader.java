package io.github.proxyproto4j.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A decoded PROXY protocol header (v1 or v2), immutable and safe to share between threads.
 *
 * <p>Two headers are {@link #equals equal} when they say the same thing: version, command, family,
 * transport, address block and TLVs. {@link #length()} is how many bytes the header took on the wire and is
 * left out, so a v1 line and its re-encoding with other IPv6 spelling compare equal. The v2 address block is
 * compared as it was on the wire: a LOCAL header keeps the block it carried (and exposes no address), and a
 * UNIX block keeps any bytes after a path's NUL, so that re-encoding reproduces the header exactly.
 *
 * <p>Addresses and TLVs are kept as the bytes the decoder copied once and turned into objects on first
 * use: one small object per connection until something asks for more.
 */
public final class ProxyHeader {
    private static final byte[] NO_BYTES = new byte[0];

    private static final Command[] COMMANDS = Command.values();
    private static final AddressFamily[] FAMILIES = AddressFamily.values();
    private static final TransportProtocol[] TRANSPORTS = TransportProtocol.values();

    // One header per connection: version, command, family and transport are kept as bytes (ordinals), the
    // ports as chars, and the two kinds of address block share a field, so the object takes 48 bytes, not 64.
    private final byte version;
    private final byte command;
    private final byte family;
    private final byte transport;
    private final int length;
    /**
     * Source then destination IP bytes (4+4 or 16+16) for INET and INET6; the 216-byte UNIX address block as
     * on the wire (two NUL-padded paths) for UNIX; null when there is no address block.
     */
    private final byte[] addresses;
    private final char sourcePort;
    private final char destinationPort;
    /** The TLV section exactly as on the wire, already validated. */
    private final byte[] tlvBytes;

    // Lazily built views. Racy single-check is safe: each value is immutable with final fields.
    private SocketAddress source;
    private SocketAddress destination;
    private List<Tlv> tlvList;

    private ProxyHeader(int version, Command command, AddressFamily family, TransportProtocol transport,
            int length, byte[] ips, int sourcePort, int destinationPort, byte[] unixBlock, byte[] tlvBytes) {
        this.version = (byte) version;
        this.command = (byte) command.ordinal();
        this.family = (byte) family.ordinal();
        this.transport = (byte) transport.ordinal();
        this.length = length;
        this.addresses = unixBlock != null ? unixBlock : ips;
        this.sourcePort = (char) sourcePort;
        this.destinationPort = (char) destinationPort;
        this.tlvBytes = tlvBytes == null ? NO_BYTES : tlvBytes;
    }

    /**
     * A header with an IP address block ({@code ips} holds source then destination, taken without a copy).
     * LOCAL headers keep the block they carried, so that re-encoding gives the same bytes (and CRC32C), but
     * expose no address.
     */
    static ProxyHeader ofIp(int version, Command command, AddressFamily family, TransportProtocol transport,
            int length, byte[] ips, int sourcePort, int destinationPort, byte[] tlvBytes) {
        return new ProxyHeader(version, command, family, transport, length, ips, sourcePort, destinationPort,
                null, tlvBytes);
    }

    /** A header with a UNIX address block, kept as on the wire (216 bytes, taken without a copy). */
    static ProxyHeader ofUnix(Command command, TransportProtocol transport, int length, byte[] unixBlock,
            byte[] tlvBytes) {
        return new ProxyHeader(2, command, AddressFamily.UNIX, transport, length, null, 0, 0, unixBlock, tlvBytes);
    }

    /** A header without an address block (UNSPEC, v1 UNKNOWN, or LOCAL too short for its family's block). */
    static ProxyHeader withoutAddresses(int version, Command command, AddressFamily family,
            TransportProtocol transport, int length, byte[] tlvBytes) {
        return new ProxyHeader(version, command, family, transport, length, null, 0, 0, null, tlvBytes);
    }

    /**
     * Starts building a header, to encode with {@link ProxyHeaderEncoder} or to use in tests. Defaults:
     * version 2, PROXY, no addresses (UNSPEC), no TLVs.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return 1 or 2 */
    public int version() {
        return version;
    }

    /** @return {@link Command#PROXY} or {@link Command#LOCAL}; always PROXY for v1 */
    public Command command() {
        return COMMANDS[command];
    }

    /** @return the declared address family */
    public AddressFamily family() {
        return FAMILIES[family];
    }

    /** @return the declared transport */
    public TransportProtocol transport() {
        return TRANSPORTS[transport];
    }

    /**
     * The original client: an {@link InetSocketAddress} built from the header's bytes (never by DNS) for
     * INET and INET6, a {@link UnixDomainSocketAddress} for UNIX, or {@code null} when the header carries no
     * address to use (LOCAL, UNSPEC, v1 UNKNOWN). An IPv4-mapped IPv6 address comes back as IPv4, as Java's
     * own sockets report it.
     *
     * @return the source address, or null
     */
    public SocketAddress sourceAddress() {
        SocketAddress s = source;
        if (s == null && hasAddresses()) {
            s = address(0, sourcePort);
            source = s;
        }
        return s;
    }

    /**
     * The address the client connected to, by the same rules as {@link #sourceAddress()}.
     *
     * @return the destination address, or null
     */
    public SocketAddress destinationAddress() {
        SocketAddress d = destination;
        if (d == null && hasAddresses()) {
            d = address(1, destinationPort);
            destination = d;
        }
        return d;
    }

    private boolean hasAddresses() {
        return command == Command.PROXY.ordinal() && addresses != null;
    }

    /** @param which 0 for the source, 1 for the destination */
    private SocketAddress address(int which, int port) {
        byte[] a = addresses;
        if (family == AddressFamily.UNIX.ordinal()) {
            return UnixDomainSocketAddress.of(V2Parser.unixPath(a, which * V2Parser.UNIX_PATH));
        }
        try {
            byte[] ip;
            if (a.length == 8) {
                int o = which * 4;
                ip = new byte[] {a[o], a[o + 1], a[o + 2], a[o + 3]}; // small and local: the JIT may elide it
            } else {
                ip = new byte[16];
                System.arraycopy(a, which * 16, ip, 0, 16);
            }
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException impossible) {
            // getByAddress only throws for a length other than 4 or 16, which the decoder never produces.
            throw new IllegalStateException(impossible);
        }
    }

    /** @return the number of bytes the header took on the wire */
    public int length() {
        return length;
    }

    /**
     * The top-level TLVs in wire order, duplicates and NOOP included. The CRC32C TLV, when present, has
     * already been verified.
     *
     * @return an unmodifiable list, empty for v1
     */
    public List<Tlv> tlvs() {
        List<Tlv> list = tlvList;
        if (list == null) {
            list = List.of(TlvSection.split(tlvBytes, 0, tlvBytes.length));
            tlvList = list;
        }
        return list;
    }

    /**
     * The first TLV of a type.
     *
     * @param type the TLV type (see {@link TlvType})
     * @return the first TLV of that type
     */
    public Optional<Tlv> tlv(int type) {
        int off = TlvSection.find(tlvBytes, type);
        if (off < 0) {
            return Optional.empty();
        }
        int len = TlvSection.valueLength(tlvBytes, off);
        return Optional.of(Tlv.wrap(type, Arrays.copyOfRange(tlvBytes, off + 3, off + 3 + len)));
    }

    /** @return the ALPN protocol the client negotiated with the proxy, e.g. {@code h2} (TLV 0x01) */
    public Optional<String> alpn() {
        return text(TlvType.ALPN);
    }

    /** @return the host name the client asked the proxy for, usually the SNI (TLV 0x02) */
    public Optional<String> authority() {
        return text(TlvType.AUTHORITY);
    }

    /** @return the proxy's connection id (TLV 0x05); may be empty bytes, which HAProxy 2.6 sends by default */
    public Optional<byte[]> uniqueId() {
        return tlv(TlvType.UNIQUE_ID).map(Tlv::rawValue);
    }

    /** @return the network namespace name (TLV 0x30) */
    public Optional<String> netns() {
        return text(TlvType.NETNS);
    }

    /** @return the AWS VPC endpoint id, {@code vpce-…} (TLV 0xEA, subtype 0x01) */
    public Optional<String> awsVpcEndpointId() {
        return tlv(TlvType.AWS).flatMap(AwsTlv::vpcEndpointId);
    }

    /** @return the Azure Private Link LINKID (TLV 0xEE, subtype 0x01, little-endian), unsigned */
    public OptionalLong azurePrivateLinkId() {
        Optional<Tlv> t = tlv(TlvType.AZURE);
        return t.isPresent() ? AzureTlv.privateLinkId(t.get()) : OptionalLong.empty();
    }

    /** @return the Google Cloud Private Service Connect connection id (TLV 0xE0, 8 bytes big-endian) */
    public OptionalLong gcpPscConnectionId() {
        Optional<Tlv> t = tlv(TlvType.GCP);
        return t.isPresent() ? GcpTlv.pscConnectionId(t.get()) : OptionalLong.empty();
    }

    /** @return the TLS facts of the client's connection to the proxy (TLV 0x20) */
    public Optional<SslInfo> ssl() {
        return tlv(TlvType.SSL).map(t -> SslInfo.parse(t.rawValue()));
    }

    private Optional<String> text(int type) {
        int off = TlvSection.find(tlvBytes, type);
        if (off < 0) {
            return Optional.empty();
        }
        return Optional.of(new String(tlvBytes, off + 3, TlvSection.valueLength(tlvBytes, off),
                StandardCharsets.UTF_8));
    }

    /** The TLV section as on the wire, for the encoder; not a copy. */
    byte[] tlvBytes() {
        return tlvBytes;
    }

    /** @return the source port (0 without IP addresses) */
    int sourcePort() {
        return sourcePort;
    }

    /** @return the destination port (0 without IP addresses) */
    int destinationPort() {
        return destinationPort;
    }

    /** Source then destination IP bytes, or null; not a copy. */
    byte[] ipBytes() {
        return family == AddressFamily.UNIX.ordinal() ? null : addresses;
    }

    /** The UNIX address block, or null; not a copy. */
    byte[] unixBlock() {
        return family == AddressFamily.UNIX.ordinal() ? addresses : null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof ProxyHeader h && version == h.version && command == h.command && family == h.family
                && transport == h.transport && sourcePort == h.sourcePort && destinationPort == h.destinationPort
                && Arrays.equals(addresses, h.addresses)
                && Arrays.equals(tlvBytes, h.tlvBytes);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(version, command, family, transport, (int) sourcePort, (int) destinationPort);
        h = 31 * h + Arrays.hashCode(addresses);
        return 31 * h + Arrays.hashCode(tlvBytes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ProxyHeader{v").append(version).append(' ').append(command())
                .append(' ').append(family()).append('/').append(transport());
        if (hasAddresses()) {
            sb.append(" src=").append(sourceAddress()).append(" dst=").append(destinationAddress());
        }
        sb.append(" length=").append(length);
        if (tlvBytes.length > 0) {
            sb.append(" tlvs=").append(tlvs());
        }
        return sb.append('}').toString();
    }

    /**
     * Builds a {@link ProxyHeader}. Addresses set the family (INET for two IPv4 addresses, INET6 for IPv6,
     * UNIX for paths) unless {@link #family} says otherwise; an IPv4 address in an INET6 header is written
     * IPv4-mapped.
     */
    public static final class Builder {
        private int version = 2;
        private Command command = Command.PROXY;
        private AddressFamily family;
        private TransportProtocol transport;
        private SocketAddress source;
        private SocketAddress destination;
        private final java.io.ByteArrayOutputStream tlvs = new java.io.ByteArrayOutputStream();

        private Builder() {
        }

        /** @param version 1 or 2 @return this */
        public Builder version(int version) {
            if (version != 1 && version != 2) {
                throw new IllegalArgumentException("version must be 1 or 2: " + version);
            }
            this.version = version;
            return this;
        }

        /** @param command PROXY or LOCAL @return this */
        public Builder command(Command command) {
            this.command = Objects.requireNonNull(command, "command");
            return this;
        }

        /** @param family the family, when the addresses should not decide it @return this */
        public Builder family(AddressFamily family) {
            this.family = Objects.requireNonNull(family, "family");
            return this;
        }

        /** @param transport the transport; STREAM by default when there are addresses @return this */
        public Builder transport(TransportProtocol transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Sets both addresses: resolved {@link InetSocketAddress}es or {@link UnixDomainSocketAddress}es.
         *
         * @param source the client
         * @param destination the address the client connected to
         * @return this
         */
        public Builder addresses(SocketAddress source, SocketAddress destination) {
            this.source = Objects.requireNonNull(source, "source");
            this.destination = Objects.requireNonNull(destination, "destination");
            return this;
        }

        /** @param tlv a TLV, appended in order @return this */
        public Builder tlv(Tlv tlv) {
            return tlv(tlv.type(), tlv.rawValue());
        }

        /** @param type the TLV type @param value its value @return this */
        public Builder tlv(int type, byte[] value) {
            Tlv.of(type, value); // checks the wire limits
            tlvs.write(type);
            tlvs.write(value.length >> 8);
            tlvs.write(value.length);
            tlvs.writeBytes(value);
            return this;
        }

        /** @param alpn TLV 0x01 @return this */
        public Builder alpn(String alpn) {
            return tlv(TlvType.ALPN, alpn.getBytes(StandardCharsets.UTF_8));
        }

        /** @param authority TLV 0x02 @return this */
        public Builder authority(String authority) {
            return tlv(TlvType.AUTHORITY, authority.getBytes(StandardCharsets.UTF_8));
        }

        /** @param id TLV 0x05 @return this */
        public Builder uniqueId(byte[] id) {
            return tlv(TlvType.UNIQUE_ID, id);
        }

        /** @param netns TLV 0x30 @return this */
        public Builder netns(String netns) {
            return tlv(TlvType.NETNS, netns.getBytes(StandardCharsets.US_ASCII));
        }

        /** @param length NOOP padding of this many value bytes (TLV 0x04) @return this */
        public Builder noop(int length) {
            return tlv(TlvType.NOOP, new byte[length]);
        }

        /** @param ssl the SSL TLV 0x20, with its sub-TLVs @return this */
        public Builder ssl(SslInfo ssl) {
            return tlv(TlvType.SSL, ssl.toValue());
        }

        /** @param vpceId AWS TLV 0xEA, subtype 0x01 @return this */
        public Builder awsVpcEndpointId(String vpceId) {
            byte[] id = vpceId.getBytes(StandardCharsets.US_ASCII);
            byte[] v = new byte[id.length + 1];
            v[0] = AwsTlv.SUBTYPE_VPCE_ID;
            System.arraycopy(id, 0, v, 1, id.length);
            return tlv(TlvType.AWS, v);
        }

        /** @param linkId Azure TLV 0xEE, subtype 0x01, an unsigned 32-bit LINKID @return this */
        public Builder azurePrivateLinkId(long linkId) {
            if (linkId < 0 || linkId > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("LINKID is an unsigned 32-bit value: " + linkId);
            }
            return tlv(TlvType.AZURE, new byte[] {AzureTlv.SUBTYPE_LINK_ID, (byte) linkId, (byte) (linkId >> 8),
                (byte) (linkId >> 16), (byte) (linkId >> 24)});
        }

        /** @param connectionId GCP TLV 0xE0, 8 bytes big-endian @return this */
        public Builder gcpPscConnectionId(long connectionId) {
            byte[] v = new byte[8];
            for (int i = 7; i >= 0; i--) {
                v[i] = (byte) connectionId;
                connectionId >>>= 8;
            }
            return tlv(TlvType.GCP, v);
        }

        /**
         * @return the header; its {@link ProxyHeader#length()} is the length of its encoding
         * @throws IllegalArgumentException if the addresses do not fit the family, or v1 cannot carry it
         */
        public ProxyHeader build() {
            AddressFamily fam = family != null ? family : familyOf(source, destination);
            TransportProtocol tp = transport != null ? transport
                    : fam == AddressFamily.UNSPEC ? TransportProtocol.UNSPEC : TransportProtocol.STREAM;
            if (fam == AddressFamily.UNSPEC ^ tp == TransportProtocol.UNSPEC) {
                throw new IllegalArgumentException("UNSPEC family goes with UNSPEC transport only: " + fam + "/" + tp);
            }
            byte[] tlvBytes = tlvs.toByteArray();
            if (command == Command.PROXY && fam != AddressFamily.UNSPEC && (source == null || destination == null)) {
                throw new IllegalArgumentException(fam + " needs a source and a destination address");
            }
            // LOCAL with a family gets an address block (zeros unless given), so its TLVs sit where a decoder
            // looks for them.
            boolean given = source != null && destination != null;
            ProxyHeader unsized;
            if (fam == AddressFamily.UNSPEC) {
                unsized = withoutAddresses(version, command, fam, tp, 0, tlvBytes);
            } else if (fam == AddressFamily.UNIX) {
                byte[] block = new byte[2 * V2Parser.UNIX_PATH];
                if (given) {
                    path(source, block, 0);
                    path(destination, block, V2Parser.UNIX_PATH);
                }
                unsized = ofUnix(command, tp, 0, block, tlvBytes);
            } else {
                int ipLength = fam == AddressFamily.INET ? 4 : 16;
                byte[] ips = new byte[2 * ipLength];
                int sourcePort = 0;
                int destinationPort = 0;
                if (given) {
                    ip(source, ips, 0, ipLength);
                    ip(destination, ips, ipLength, ipLength);
                    sourcePort = port(source);
                    destinationPort = port(destination);
                }
                unsized = ofIp(version, command, fam, tp, 0, ips, sourcePort, destinationPort, tlvBytes);
            }
            int length = ProxyHeaderEncoder.encodedLength(unsized);
            return new ProxyHeader(unsized.version, unsized.command(), unsized.family(), unsized.transport(), length,
                    unsized.ipBytes(), unsized.sourcePort, unsized.destinationPort, unsized.unixBlock(),
                    unsized.tlvBytes);
        }

        private static AddressFamily familyOf(SocketAddress s, SocketAddress d) {
            if (s == null) {
                return AddressFamily.UNSPEC;
            }
            if (s instanceof UnixDomainSocketAddress && d instanceof UnixDomainSocketAddress) {
                return AddressFamily.UNIX;
            }
            if (s instanceof InetSocketAddress is && d instanceof InetSocketAddress id
                    && is.getAddress() != null && id.getAddress() != null) {
                return is.getAddress().getAddress().length == 4 && id.getAddress().getAddress().length == 4
                        ? AddressFamily.INET : AddressFamily.INET6;
            }
            throw new IllegalArgumentException("addresses must be two resolved InetSocketAddresses or two "
                    + "UnixDomainSocketAddresses: " + s + ", " + d);
        }

        private static void ip(SocketAddress a, byte[] out, int off, int length) {
            if (!(a instanceof InetSocketAddress) || ((InetSocketAddress) a).getAddress() == null) {
                throw new IllegalArgumentException("not a resolved IP socket address: " + a);
            }
            byte[] raw = ((InetSocketAddress) a).getAddress().getAddress();
            if (raw.length == length) {
                System.arraycopy(raw, 0, out, off, length);
            } else if (raw.length == 4 && length == 16) {
                out[off + 10] = (byte) 0xFF; // IPv4-mapped
                out[off + 11] = (byte) 0xFF;
                System.arraycopy(raw, 0, out, off + 12, 4);
            } else {
                throw new IllegalArgumentException("an IPv6 address cannot go in an INET header: " + a);
            }
        }

        private static int port(SocketAddress a) {
            return ((InetSocketAddress) a).getPort();
        }

        private static void path(SocketAddress a, byte[] block, int off) {
            if (!(a instanceof UnixDomainSocketAddress)) {
                throw new IllegalArgumentException("not a UnixDomainSocketAddress: " + a);
            }
            String p = ((UnixDomainSocketAddress) a).getPath().toString();
            byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > V2Parser.UNIX_PATH || p.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a UNIX path must fit 108 UTF-8 bytes without NUL: " + p);
            }
            System.arraycopy(bytes, 0, block, off, bytes.length);
        }
    }
}

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
 * transport, addresses and TLVs. {@link #length()} is how many bytes the header took on the wire and is
 * left out, so a v1 line and its re-encoding with other IPv6 spelling compare equal.
 *
 * <p>Addresses and TLVs are kept as the bytes the decoder copied once and turned into objects on first
 * use: one small object per connection until something asks for more.
 */
public final class ProxyHeader {
    private static final byte[] NO_BYTES = new byte[0];

    private final int version;
    private final Command command;
    private final AddressFamily family;
    private final TransportProtocol transport;
    private final int length;
    /** Source then destination IP bytes (4+4 or 16+16), or null when there are no IP addresses. */
    private final byte[] ips;
    private final int sourcePort;
    private final int destinationPort;
    /** UNIX paths, or null. */
    private final String sourcePath;
    private final String destinationPath;
    /** The TLV section exactly as on the wire, already validated. */
    private final byte[] tlvBytes;

    // Lazily built views. Racy single-check is safe: each value is immutable with final fields.
    private SocketAddress source;
    private SocketAddress destination;
    private List<Tlv> tlvList;

    private ProxyHeader(int version, Command command, AddressFamily family, TransportProtocol transport,
            int length, byte[] ips, int sourcePort, int destinationPort, String sourcePath,
            String destinationPath, byte[] tlvBytes) {
        this.version = version;
        this.command = command;
        this.family = family;
        this.transport = transport;
        this.length = length;
        this.ips = ips;
        this.sourcePort = sourcePort;
        this.destinationPort = destinationPort;
        this.sourcePath = sourcePath;
        this.destinationPath = destinationPath;
        this.tlvBytes = tlvBytes == null ? NO_BYTES : tlvBytes;
    }

    /** A header with IP addresses ({@code ips} holds source then destination, taken without a copy). */
    static ProxyHeader ofIp(int version, Command command, AddressFamily family, TransportProtocol transport,
            int length, byte[] ips, int sourcePort, int destinationPort, byte[] tlvBytes) {
        return new ProxyHeader(version, command, family, transport, length, ips, sourcePort, destinationPort,
                null, null, tlvBytes);
    }

    /** A header with UNIX socket paths. */
    static ProxyHeader ofUnix(Command command, TransportProtocol transport, int length, String sourcePath,
            String destinationPath, byte[] tlvBytes) {
        return new ProxyHeader(2, command, AddressFamily.UNIX, transport, length, null, 0, 0, sourcePath,
                destinationPath, tlvBytes);
    }

    /** A header that carries no address to use (LOCAL, UNSPEC, v1 UNKNOWN). */
    static ProxyHeader withoutAddresses(int version, Command command, AddressFamily family,
            TransportProtocol transport, int length, byte[] tlvBytes) {
        return new ProxyHeader(version, command, family, transport, length, null, 0, 0, null, null, tlvBytes);
    }

    /** @return 1 or 2 */
    public int version() {
        return version;
    }

    /** @return {@link Command#PROXY} or {@link Command#LOCAL}; always PROXY for v1 */
    public Command command() {
        return command;
    }

    /** @return the declared address family */
    public AddressFamily family() {
        return family;
    }

    /** @return the declared transport */
    public TransportProtocol transport() {
        return transport;
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
            s = address(0, sourcePort, sourcePath);
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
            d = address(ips == null ? 0 : ips.length / 2, destinationPort, destinationPath);
            destination = d;
        }
        return d;
    }

    private boolean hasAddresses() {
        return ips != null || sourcePath != null;
    }

    private SocketAddress address(int offset, int port, String path) {
        if (ips == null) {
            return UnixDomainSocketAddress.of(path);
        }
        try {
            byte[] ip = Arrays.copyOfRange(ips, offset, offset + ips.length / 2);
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

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof ProxyHeader h && version == h.version && command == h.command && family == h.family
                && transport == h.transport && sourcePort == h.sourcePort && destinationPort == h.destinationPort
                && Arrays.equals(ips, h.ips) && Objects.equals(sourcePath, h.sourcePath)
                && Objects.equals(destinationPath, h.destinationPath) && Arrays.equals(tlvBytes, h.tlvBytes);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(version, command, family, transport, sourcePort, destinationPort, sourcePath,
                destinationPath);
        h = 31 * h + Arrays.hashCode(ips);
        return 31 * h + Arrays.hashCode(tlvBytes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ProxyHeader{v").append(version).append(' ').append(command)
                .append(' ').append(family).append('/').append(transport);
        if (hasAddresses()) {
            sb.append(" src=").append(sourceAddress()).append(" dst=").append(destinationAddress());
        }
        sb.append(" length=").append(length);
        if (tlvBytes.length > 0) {
            sb.append(" tlvs=").append(tlvs());
        }
        return sb.append('}').toString();
    }
}

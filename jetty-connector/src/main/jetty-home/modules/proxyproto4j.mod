# proxyproto4j: a strict PROXY protocol (v1 and v2) for the clear-text HTTP connector.
# Copy this file to ${jetty.base}/modules/, etc/jetty-proxyproto4j.xml to ${jetty.base}/etc/ and the
# proxyproto4j-core and proxyproto4j-jetty jars to ${jetty.base}/lib/proxyproto4j/, then
#   java -jar $JETTY_HOME/start.jar --add-modules=proxyproto4j

[description]
Enables a strict PROXY protocol (https://www.haproxy.org/download/2.8/doc/proxy-protocol.txt)
on the clear-text HTTP connector, with proxyproto4j instead of Jetty's ProxyConnectionFactory:
a list of trusted proxies, a header required from them (or, in mixed mode, only from them),
an absolute header timeout counted from accept, a cap on connections waiting for a header,
CRC32C verification and typed TLVs as request attributes.
A refused connection is closed without a byte of response.
Replaces Jetty's own "proxy-protocol" module: enable one or the other, not both.

[tags]
connector
http
proxyproto4j

[depend]
http

[provides]
proxy-protocol

[lib]
lib/proxyproto4j/*.jar

[xml]
etc/jetty-proxyproto4j.xml

[ini-template]
### proxyproto4j PROXY protocol configuration
## These properties also configure the TLS connector when the proxyproto4j-ssl module is enabled.

## "required": trusted peers must send a PROXY header, a connection without one is closed.
## "mixed": trusted peers must send a header, other peers connect directly without one
## (needs a non-empty trustedProxies list).
# jetty.proxyproto4j.mode=required

## Comma-separated CIDR blocks and addresses (IPv4 and IPv6 literals, no host names) of the load
## balancers allowed to send a header. Empty (the default) trusts every peer and logs one WARN at start.
## For example:
## jetty.proxyproto4j.trustedProxies=10.0.0.0/8,192.168.1.10,fd00::/8
# jetty.proxyproto4j.trustedProxies=

## What to do with a peer that is not in trustedProxies (mode=required):
## "reject" closes the connection at accept; "ignore" reads its header but keeps the socket's addresses.
# jetty.proxyproto4j.untrustedAction=reject

## Milliseconds from accept within which the whole header must arrive (absolute: trickled bytes
## do not extend it). The connector's idle timeout (jetty.http.idleTimeout) still applies as well.
# jetty.proxyproto4j.headerTimeout=5000

## Cap on the v2 header's length field, in bytes (at most 65535).
# jetty.proxyproto4j.maxHeaderSize=1024

## Cap on one TLV value, in bytes (raise both to receive a client certificate in the SSL TLV).
# jetty.proxyproto4j.maxTlvSize=1024

## Connections waiting for their header at once; beyond it, new connections are closed at accept.
# jetty.proxyproto4j.maxPending=1024

## Whether the SSL TLV's client SSL bit makes requests secure (isSecure(), https scheme).
# jetty.proxyproto4j.secureFromSslTlv=true

## Whether the header's destination address becomes the request's local address and port.
# jetty.proxyproto4j.localAddressFromHeader=true

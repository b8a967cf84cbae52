package io.github.proxyproto4j.interop.matrix;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies bytes, unchanged, from 127.0.0.1:PORT and [::1]:PORT to the receiver's PROXY port, connecting from
 * 127.0.0.1: a wire, not a proxy, it adds no header. The curl cells go through it because curl's
 * {@code --haproxy-protocol} header carries curl's own connection, and the samples listen (and trust) 127.0.0.1
 * only: through the relay curl can connect from 127.0.0.42 or ::1 and still reach them from a trusted peer, so the
 * client the application reports comes from curl's header, not from the socket.
 */
final class LoopbackRelay implements SenderProcess {
    private final List<ServerSocket> servers;
    private final int appPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private LoopbackRelay(List<ServerSocket> servers, int appPort) {
        this.servers = servers;
        this.appPort = appPort;
    }

    static LoopbackRelay start(int appPort) throws IOException {
        for (int attempt = 1; ; attempt++) {
            ServerSocket v4 = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            ServerSocket v6;
            try {
                v6 = new ServerSocket(v4.getLocalPort(), 50, InetAddress.getByName("::1"));
            } catch (IOException taken) {
                v4.close();
                if (attempt == 5) {
                    throw taken;
                }
                continue;
            }
            LoopbackRelay relay = new LoopbackRelay(List.of(v4, v6), appPort);
            for (ServerSocket s : relay.servers) {
                Thread t = new Thread(() -> relay.accept(s), "relay-accept-" + s.getLocalSocketAddress());
                t.setDaemon(true);
                t.start();
            }
            return relay;
        }
    }

    private void accept(ServerSocket server) {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket app = new Socket();
                sockets.add(client);
                sockets.add(app);
                app.bind(new InetSocketAddress("127.0.0.1", 0));
                app.connect(new InetSocketAddress("127.0.0.1", appPort), 5000);
                pump(client, app);
                pump(app, client);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
                to.shutdownOutput(); // a half close, passed on; both are closed with the relay
            } catch (IOException e) {
                // one side closed or reset: close both
                closeQuietly(to);
                closeQuietly(from);
            }
        }, "relay-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public int port() {
        return servers.get(0).getLocalPort();
    }

    @Override
    public void close() {
        closed = true;
        servers.forEach(LoopbackRelay::closeQuietly);
        sockets.forEach(LoopbackRelay::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}

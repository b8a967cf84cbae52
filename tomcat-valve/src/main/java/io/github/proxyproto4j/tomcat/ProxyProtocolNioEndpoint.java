package io.github.proxyproto4j.tomcat;

import io.github.proxyproto4j.core.ConfigKey;
import io.github.proxyproto4j.core.ConnectionHandshake;
import io.github.proxyproto4j.core.ProxyProtocolConfig;
import io.github.proxyproto4j.core.ProxyProtocolCounters;
import io.github.proxyproto4j.core.ProxyProtocolListener;
import io.github.proxyproto4j.core.ProxyProtocolPolicy;
import io.github.proxyproto4j.core.Outcome;
import io.github.proxyproto4j.core.Reason;
import java.nio.channels.SocketChannel;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.ExceptionUtils;
import org.apache.tomcat.util.collections.SynchronizedStack;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketProcessorBase;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * A {@link NioEndpoint} whose connections start with a PROXY header. The acceptor only opens the core
 * handshake (and closes at once what the policy refuses at accept); the header is read by worker threads,
 * non-blockingly, under a read timeout equal to the header timeout counted from accept.
 */
public class ProxyProtocolNioEndpoint extends NioEndpoint {
    private static final Log LOG = LogFactory.getLog(ProxyProtocolNioEndpoint.class);

    /**
     * Settings as text, parsed only at start: Tomcat's property setter swallows a setter's exception, so a
     * value parsed (and refused) there would silently leave the default, and trust every peer.
     */
    private final Map<ConfigKey, String> settings = new EnumMap<>(ConfigKey.class);
    private final ProxyProtocolCounters counters = new ProxyProtocolCounters();
    private final List<ProxyProtocolListener> listeners = new CopyOnWriteArrayList<>();
    private volatile ProxyProtocolConfig config = ProxyProtocolConfig.defaults();
    private volatile ProxyProtocolPolicy policy;

    /**
     * Records a setting, checked when the endpoint starts.
     *
     * @param key the setting
     * @param value its text, in milliseconds for the header timeout
     */
    void setting(ConfigKey key, String value) {
        settings.put(key, value == null ? "" : value);
    }

    /** @return the configuration in force once started */
    public ProxyProtocolConfig getProxyProtocolConfig() {
        return config;
    }

    /** @return outcome and reason counts of this endpoint's connections */
    public ProxyProtocolCounters getProxyProtocolCounters() {
        return counters;
    }

    /** @param listener hears every connection's outcome, besides the built-in counters */
    public void addProxyProtocolListener(ProxyProtocolListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Checks the settings before the port is bound, so a bad value never leaves a port open. */
    @Override
    public void bind() throws Exception {
        config = buildConfig();
        super.bind();
    }

    @Override
    public void startInternal() throws Exception {
        ProxyProtocolConfig built = buildConfig();
        config = built;
        policy = new ProxyProtocolPolicy(built, new ProxyProtocolListener() {
            @Override
            public void onOutcome(Outcome outcome, Reason reason) {
                counters.onOutcome(outcome, reason);
                for (ProxyProtocolListener l : listeners) {
                    l.onOutcome(outcome, reason);
                }
            }

            @Override
            public void onPendingChanged(int delta) {
                counters.onPendingChanged(delta);
                for (ProxyProtocolListener l : listeners) {
                    l.onPendingChanged(delta);
                }
            }
        });
        super.startInternal();
    }

    /** An invalid value fails here, naming the setting: nothing is ever served with a default instead. */
    private ProxyProtocolConfig buildConfig() {
        ProxyProtocolConfig.Builder builder = ProxyProtocolConfig.builder();
        settings.forEach((key, value) -> builder.set(key, value, true));
        return builder.build();
    }

    /** Our channels read the header first: in plaintext, or before the TLS handshake (JSSE). */
    @Override
    protected NioChannel createChannel(SocketBufferHandler buffer) {
        return isSSLEnabled() ? new ProxyProtocolSecureNioChannel(buffer, this) : new ProxyProtocolNioChannel(buffer);
    }

    /**
     * Hands an accepted socket to the poller, as {@link NioEndpoint} does, with our socket wrapper, and opens
     * the PROXY handshake. Written from what NioEndpoint 11.0.x does (see {@code TomcatInternalsTest}), not
     * copied: take a pooled channel or make one, wrap it, register the connection, switch to non-blocking,
     * apply socket properties (not for Unix sockets), set timeouts and keep-alive, register with the poller.
     */
    @Override
    protected boolean setSocketOptions(SocketChannel socket) {
        ProxyProtocolSocketWrapper wrapper = null;
        try {
            SynchronizedStack<NioChannel> pool = getNioChannels();
            NioChannel channel = pool == null ? null : pool.pop();
            if (channel == null) {
                channel = createChannel(new SocketBufferHandler(socketProperties.getAppReadBufSize(),
                        socketProperties.getAppWriteBufSize(), socketProperties.getDirectBuffer()));
            }
            ProxyProtocolSocketWrapper newWrapper = new ProxyProtocolSocketWrapper(channel, this);
            channel.reset(socket, newWrapper);
            connections.put(socket, newWrapper);
            wrapper = newWrapper; // from here on, closing the wrapper cleans up (as NioEndpoint does)

            socket.configureBlocking(false);
            if (getUnixDomainSocketPath() == null) {
                socketProperties.setProperties(socket.socket());
            }

            ConnectionHandshake handshake = policy.open(socket.getRemoteAddress());
            ((HeaderFirstChannel) channel).start(handshake);
            if (handshake.isDone()) {
                return false; // refused at accept (untrusted, or too many pending): the acceptor closes it unread
            }
            // The poller measures the read timeout from the wrapper's creation, and our reads do not move it:
            // so the header timeout is absolute from accept.
            wrapper.setReadTimeout(handshake.readsHeader() ? config.headerTimeout().toMillis() : getConnectionTimeout());
            wrapper.setWriteTimeout(getConnectionTimeout());
            wrapper.setKeepAliveLeft(getMaxKeepAliveRequests());
            getPoller().register(wrapper);
            return true;
        } catch (Throwable t) {
            ExceptionUtils.handleThrowable(t);
            LOG.error("PROXY protocol: could not set up an accepted socket", t);
            if (wrapper == null) {
                destroySocket(socket);
            }
        }
        return false;
    }

    @Override
    protected SocketProcessorBase<NioChannel> createSocketProcessor(SocketWrapperBase<NioChannel> socketWrapper,
            SocketEvent event) {
        return new HeaderFirstProcessor(socketWrapper, event);
    }

    /**
     * Runs the PROXY handshake before Tomcat's own processing, so that a refused or timed-out header is closed
     * quietly: no CONNECT_FAIL, hence no 400 line in the access log and no error log per connection.
     */
    protected class HeaderFirstProcessor extends SocketProcessor {
        /**
         * @param socketWrapper the connection
         * @param event what happened
         */
        public HeaderFirstProcessor(SocketWrapperBase<NioChannel> socketWrapper, SocketEvent event) {
            super(socketWrapper, event);
        }

        @Override
        protected void doRun() {
            SocketWrapperBase<NioChannel> wrapper = socketWrapper;
            if (wrapper != null && wrapper.getSocket() instanceof HeaderFirstChannel channel
                    && !channel.headerComplete()) {
                int step;
                if (event == SocketEvent.OPEN_READ || event == SocketEvent.OPEN_WRITE) {
                    try {
                        step = channel.headerStep();
                    } catch (Exception e) {
                        channel.abort(null);
                        step = HeaderFirstChannel.REFUSED;
                    }
                } else { // STOP, DISCONNECT, ERROR (the poller's read timeout is the header timeout)
                    channel.abort(wrapper.getError());
                    step = HeaderFirstChannel.REFUSED;
                }
                if (step == HeaderFirstChannel.REFUSED) {
                    wrapper.close();
                    recycle();
                    return;
                }
                if (step == HeaderFirstChannel.NEED_READ) {
                    wrapper.registerReadInterest();
                    recycle();
                    return;
                }
                event = SocketEvent.OPEN_READ; // DONE: Tomcat now handles the bytes after the header (or TLS)
            }
            super.doRun();
        }

        /** What Tomcat's processor does when it is done: forget the connection, go back to the cache. */
        private void recycle() {
            socketWrapper = null;
            event = null;
            if (running && processorCache != null) {
                processorCache.push(this);
            }
        }
    }
}

package io.github.proxyproto4j.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import org.apache.catalina.util.ServerInfo;
import org.apache.tomcat.util.collections.SynchronizedStack;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketProcessorBase;
import org.apache.tomcat.util.net.SocketProperties;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.junit.jupiter.api.Test;

/**
 * Pins the Tomcat internals that {@link ProxyProtocolNioEndpoint} relies on, so that a Tomcat upgrade that
 * changes them fails here, loudly, rather than at a user's start-up or, worse, silently.
 */
class TomcatInternalsTest {
    /**
     * The Tomcat versions whose {@code NioEndpoint.setSocketOptions} was read and compared with
     * {@code ProxyProtocolNioEndpoint.setSocketOptions} (which re-writes it: pooled channel or a new one, wrapper,
     * {@code connections.put}, non-blocking, socket properties unless Unix domain, timeouts, keep-alive, poller).
     *
     * <p>To support a new version: read {@code NioEndpoint.setSocketOptions} (and {@code SocketProcessor.doRun},
     * {@code NioSocketWrapper}'s constructor and {@code doClose}) in the new version, compare them with
     * {@code ProxyProtocolNioEndpoint.setSocketOptions} and {@code HeaderFirstProcessor}, port any change, and only
     * then add the version's {@code ServerInfo.getServerNumber()} here.
     *
     * <p>11.0.22: the version Spring Boot 4.0.7 manages, the build's default. 11.0.27 (CI runs the Tomcat modules on
     * it too, with the root pom's profile {@code tomcat-11.0.27}), reviewed against 11.0.22 (both jars decompiled, as
     * no 11.0.27 sources jar resolved; Tomcat's 11.0.x history for context): {@code setSocketOptions},
     * {@code createChannel}, {@code createSocketProcessor}, {@code SocketProcessor.doRun}, {@code NioSocketWrapper}
     * (constructor, {@code doClose}, {@code populate*}), {@code Poller.register} and {@code timeout},
     * {@code NioChannel}, and {@code AbstractEndpoint}'s {@code connections}, {@code processorCache},
     * {@code running} and {@code closeSocket} are unchanged. {@code NioEndpoint} only gained Unix domain socket
     * parent-directory permissions in {@code bind} and a fix to use {@code pollerThreadPriority};
     * {@code SecureNioChannel.reset} now also clears {@code needHandshakeWrap} (pooled channels: ours calls
     * {@code super.reset}), its constructor, {@code handshake}, {@code processSNI}, {@code netInBuffer} and
     * {@code close} are unchanged; {@code SocketWrapperBase} only gained null checks (write buffer, vectored
     * handler); {@code SocketBufferHandler.unReadReadBuffer} copies overlapping bytes correctly now (we do not
     * call it). Nothing to port.
     */
    static final List<String> REVIEWED_SERVER_NUMBERS = List.of("11.0.22.0", "11.0.27.0");

    @Test
    void tomcatIsAVersionWhoseSetSocketOptionsWasReviewed() {
        String number = ServerInfo.getServerNumber();
        assertTrue(REVIEWED_SERVER_NUMBERS.contains(number), "Tomcat " + number + " (" + ServerInfo.getServerInfo()
                + ") is not among the reviewed versions " + REVIEWED_SERVER_NUMBERS + ": re-read "
                + "NioEndpoint.setSocketOptions in this version, compare it with "
                + "ProxyProtocolNioEndpoint.setSocketOptions, then add the version to REVIEWED_SERVER_NUMBERS");
    }

    private static void assertProtected(Member m) {
        assertTrue(Modifier.isProtected(m.getModifiers()), m + " must be protected");
    }

    private static void assertPublic(Member m) {
        assertTrue(Modifier.isPublic(m.getModifiers()), m + " must be public");
    }

    private static Field field(Class<?> owner, String name, Class<?> type) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        assertEquals(type, f.getType(), f + " type");
        assertFalse(Modifier.isStatic(f.getModifiers()), f + " is an instance field");
        return f;
    }

    private static Method method(Class<?> owner, String name, Class<?> returns, Class<?>... params)
            throws NoSuchMethodException {
        Method m = owner.getDeclaredMethod(name, params);
        assertEquals(returns, m.getReturnType(), m + " return type");
        assertFalse(Modifier.isStatic(m.getModifiers()), m + " is an instance method");
        return m;
    }

    @Test
    void nioEndpointMembersWeCall() throws Exception {
        Method nioChannels = method(NioEndpoint.class, "getNioChannels", SynchronizedStack.class);
        assertProtected(nioChannels);
        assertProtected(method(NioEndpoint.class, "getPoller", NioEndpoint.Poller.class));
        Method createChannel = method(NioEndpoint.class, "createChannel", NioChannel.class, SocketBufferHandler.class);
        assertProtected(createChannel);
        assertFalse(Modifier.isFinal(createChannel.getModifiers()), "we override createChannel");
        Method processor = method(NioEndpoint.class, "createSocketProcessor", SocketProcessorBase.class,
                SocketWrapperBase.class, SocketEvent.class);
        assertProtected(processor);
        assertFalse(Modifier.isFinal(processor.getModifiers()), "we override createSocketProcessor");
        Method options = method(NioEndpoint.class, "setSocketOptions", boolean.class, SocketChannel.class);
        assertProtected(options);
        assertFalse(Modifier.isFinal(options.getModifiers()), "we override setSocketOptions");
        assertProtected(method(NioEndpoint.class, "destroySocket", void.class, SocketChannel.class));
        assertPublic(method(NioEndpoint.class, "getUnixDomainSocketPath", String.class));
        Method start = method(NioEndpoint.class, "startInternal", void.class);
        assertPublic(start);
        assertPublic(method(NioEndpoint.Poller.class, "register", void.class, NioEndpoint.NioSocketWrapper.class));
    }

    @Test
    void abstractEndpointFieldsWeUse() throws Exception {
        Field connections = field(AbstractEndpoint.class, "connections", Map.class);
        assertProtected(connections);
        Field socketProperties = field(AbstractEndpoint.class, "socketProperties", SocketProperties.class);
        assertProtected(socketProperties);
        assertPublic(method(AbstractEndpoint.class, "getConnectionTimeout", int.class));
        assertPublic(method(AbstractEndpoint.class, "getMaxKeepAliveRequests", int.class));
    }

    @Test
    void theSocketWrapperWeExtend() throws Exception {
        Class<NioEndpoint.NioSocketWrapper> w = NioEndpoint.NioSocketWrapper.class;
        assertPublic(w);
        assertTrue(Modifier.isStatic(w.getModifiers()), "a static nested class, constructible from outside");
        assertFalse(Modifier.isFinal(w.getModifiers()), "we extend it");
        Constructor<NioEndpoint.NioSocketWrapper> c = w.getDeclaredConstructor(NioChannel.class, NioEndpoint.class);
        assertPublic(c);
        for (String name : List.of("populateRemoteAddr", "populateRemoteHost", "populateRemotePort",
                "populateLocalAddr", "populateLocalName", "populateLocalPort")) {
            Method m = method(w, name, void.class);
            assertProtected(m);
            assertFalse(Modifier.isFinal(m.getModifiers()), m + " is overridden");
        }
        assertPublic(method(w, "updateLastRead", void.class));
        assertPublic(method(w, "registerReadInterest", void.class));
    }

    private static void assertPublic(Class<?> c) {
        assertTrue(Modifier.isPublic(c.getModifiers()), c + " must be public");
    }

    @Test
    void socketWrapperBaseFieldsWeSet() throws Exception {
        for (String name : List.of("remoteAddr", "remoteHost", "localAddr", "localName")) {
            Field f = field(SocketWrapperBase.class, name, String.class);
            assertProtected(f);
            assertFalse(Modifier.isFinal(f.getModifiers()), f + " is assigned");
        }
        for (String name : List.of("remotePort", "localPort")) {
            Field f = field(SocketWrapperBase.class, name, int.class);
            assertProtected(f);
            assertFalse(Modifier.isFinal(f.getModifiers()), f + " is assigned");
        }
        Method sc = method(SocketWrapperBase.class, "getServletConnection", jakarta.servlet.ServletConnection.class,
                String.class, String.class);
        assertPublic(sc);
        assertFalse(Modifier.isFinal(sc.getModifiers()), "we override getServletConnection");
        assertPublic(method(SocketWrapperBase.class, "setReadTimeout", void.class, long.class));
        assertPublic(method(SocketWrapperBase.class, "setWriteTimeout", void.class, long.class));
        assertPublic(method(SocketWrapperBase.class, "setKeepAliveLeft", void.class, int.class));
        assertPublic(method(SocketWrapperBase.class, "getError", java.io.IOException.class));
    }

    @Test
    void socketProcessorFieldsWeReadAndReset() throws Exception {
        Field wrapper = field(SocketProcessorBase.class, "socketWrapper", SocketWrapperBase.class);
        assertProtected(wrapper);
        assertFalse(Modifier.isFinal(wrapper.getModifiers()), "we clear it");
        Field event = field(SocketProcessorBase.class, "event", SocketEvent.class);
        assertProtected(event);
        assertFalse(Modifier.isFinal(event.getModifiers()), "we set it");
        Class<?> processor = Class.forName(NioEndpoint.class.getName() + "$SocketProcessor");
        assertTrue(Modifier.isProtected(processor.getModifiers()), processor + " must be protected");
        assertFalse(Modifier.isStatic(processor.getModifiers()), "an inner class of the endpoint");
        assertPublic(processor.getDeclaredConstructor(NioEndpoint.class, SocketWrapperBase.class, SocketEvent.class));
        Method doRun = method(processor, "doRun", void.class);
        assertProtected(doRun);
    }

    @Test
    void theChannelWeExtend() throws Exception {
        assertFalse(Modifier.isFinal(NioChannel.class.getModifiers()), "we extend NioChannel");
        assertPublic(NioChannel.class.getDeclaredConstructor(SocketBufferHandler.class));
        assertProtected(field(NioChannel.class, "sc", SocketChannel.class));
        assertProtected(field(NioChannel.class, "socketWrapper", NioEndpoint.NioSocketWrapper.class));
        assertPublic(method(NioChannel.class, "reset", void.class, SocketChannel.class,
                NioEndpoint.NioSocketWrapper.class));
        assertPublic(method(NioChannel.class, "isHandshakeComplete", boolean.class));
        assertPublic(method(NioChannel.class, "handshake", int.class, boolean.class, boolean.class));
        assertPublic(method(NioChannel.class, "close", void.class));
        assertPublic(method(NioChannel.class, "free", void.class));
        assertPublic(method(NioChannel.class, "getBufHandler", SocketBufferHandler.class));
    }

    @Test
    void ourClassesOverrideWhatTheyMeanTo() throws Exception {
        // a signature change upstream would turn an override into an unrelated overload
        assertEquals(ProxyProtocolNioEndpoint.class, ProxyProtocolNioEndpoint.class
                .getDeclaredMethod("setSocketOptions", SocketChannel.class).getDeclaringClass());
        assertEquals(ProxyProtocolNioEndpoint.class, ProxyProtocolNioEndpoint.class
                .getDeclaredMethod("createChannel", SocketBufferHandler.class).getDeclaringClass());
        assertEquals(ProxyProtocolNioEndpoint.class, ProxyProtocolNioEndpoint.class
                .getDeclaredMethod("createSocketProcessor", SocketWrapperBase.class, SocketEvent.class)
                .getDeclaringClass());
        Method inherited = NioEndpoint.class.getDeclaredMethod("createSocketProcessor", SocketWrapperBase.class,
                SocketEvent.class);
        Method ours = ProxyProtocolNioEndpoint.class.getDeclaredMethod("createSocketProcessor",
                SocketWrapperBase.class, SocketEvent.class);
        assertEquals(inherited.getReturnType(), ours.getReturnType());
    }
}

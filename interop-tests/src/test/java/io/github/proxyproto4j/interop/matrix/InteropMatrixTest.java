package io.github.proxyproto4j.interop.matrix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interop matrix ({@link Matrix}, documented in docs/interop.md): real senders (HAProxy 2.6, nginx 1.22, curl
 * 7.88) and libraries (Netty's encoder, Jetty's HttpClient) in front of the samples. The cases run grouped by
 * receiver instance, then by sender set-up: one application at a time, and each HAProxy or nginx configuration
 * started once for all its cells on that application. A sender that is not installed skips its cells locally and
 * fails them under {@code CI=true}.
 */
class InteropMatrixTest {
    private static Workspace workspace;
    private static JettyClients jetty;

    private static String appKey;
    private static Receiver.App app;
    private static Matrix.Setup senderKey;
    private static SenderProcess sender;
    private static final Map<String, Throwable> failedStarts = new HashMap<>();

    @BeforeAll
    static void workspace() throws Exception {
        workspace = new Workspace();
        jetty = new JettyClients();
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            stopSender();
            stopApp();
            jetty.close();
        } finally {
            workspace.close();
        }
    }

    /** The cases in execution order: by receiver (list order), then by sender set-up, then by number. */
    static Stream<MatrixCase> cases() {
        List<MatrixCase> all = Matrix.cases();
        Map<String, Integer> instances = new LinkedHashMap<>();
        Map<Matrix.Setup, Integer> setups = new LinkedHashMap<>();
        for (Receiver r : Receivers.ALL) {
            instances.putIfAbsent(r.name(), instances.size());
            instances.putIfAbsent(r.name() + " +TLS", instances.size());
        }
        for (MatrixCase c : all) {
            setups.putIfAbsent(c.cell().setup(), setups.size());
        }
        List<MatrixCase> ordered = new ArrayList<>(all);
        ordered.sort(Comparator.<MatrixCase>comparingInt(c -> instances.get(c.receiverInstance()))
                .thenComparingInt(c -> setups.get(c.cell().setup()))
                .thenComparingInt(MatrixCase::number));
        return ordered.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cell(MatrixCase c) throws Exception {
        if (!Objects.equals(appKey, c.receiverInstance())) {
            stopSender();
            stopApp();
            Throwable failed = failedStarts.get(c.receiverInstance());
            if (failed != null) {
                throw new AssertionError(c.receiverInstance() + " did not start (see its first case)", failed);
            }
            boolean tls = c.cell().transport().appPort().tls();
            try {
                app = c.receiver().start(tls, tls ? workspace.keyStore() : null);
            } catch (Exception | AssertionError e) {
                failedStarts.put(c.receiverInstance(), e); // its other cases fail at once, not after another start
                throw e;
            }
            appKey = c.receiverInstance();
        }
        if (!Objects.equals(senderKey, c.cell().setup())) {
            stopSender();
            sender = c.cell().setup().start(app.proxyPort(), workspace);
            senderKey = c.cell().setup();
        }
        c.cell().action().run(new Ctx(c, sender, app.proxyPort(), workspace, jetty));
    }

    private static void stopSender() {
        if (sender != null) {
            sender.close();
        }
        sender = null;
        senderKey = null;
    }

    private static void stopApp() throws Exception {
        Receiver.App a = app;
        app = null;
        appKey = null;
        if (a != null) {
            a.close();
        }
    }
}

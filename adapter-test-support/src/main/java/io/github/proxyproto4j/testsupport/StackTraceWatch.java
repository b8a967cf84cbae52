package io.github.proxyproto4j.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the stack traces a server logs: {@code java.util.logging} records at WARNING or above that carry a
 * throwable (the core's {@code System.Logger}, Tomcat's JULI), and stack frames printed on standard error (where
 * slf4j-simple writes Jetty's log, and anything else prints). Refusing a connection must never log one.
 */
public final class StackTraceWatch {
    private static final Queue<String> TRACES = new ConcurrentLinkedQueue<>();
    private static final String FUZZER_PACKAGE = "com.code_intelligence.jazzer.";
    private static boolean installed;

    private StackTraceWatch() {
    }

    /** Starts watching, once per JVM; standard error is still written through. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        Logger.getLogger("").addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getThrown() != null && r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    TRACES.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage() + ": " + r.getThrown());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        PrintStream original = System.err;
        System.setErr(new PrintStream(new LineWatcher(original), true, StandardCharsets.UTF_8));
    }

    /** @return the traces seen since the last call */
    public static List<String> drain() {
        List<String> out = new ArrayList<>();
        for (String s; (s = TRACES.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }

    /** Passes bytes through and remembers the line before the first frame of each printed stack trace. */
    private static final class LineWatcher extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private String previous = "";
        private boolean inTrace;

        LineWatcher(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            target.write(b);
            if (b != '\n') {
                line.write(b);
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            boolean frame = text.startsWith("\tat ");
            // Jazzer's own instrumentation prints traces when its bundled ASM meets newer class files (JDK 25):
            // the fuzzer's noise, not the server's.
            if (frame && !inTrace && !text.startsWith("\tat " + FUZZER_PACKAGE)) {
                TRACES.add("stack trace on standard error after: " + previous + " / " + text.trim());
            }
            inTrace = frame;
            if (!frame) {
                previous = text;
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                write(b[off + i]);
            }
        }

        @Override
        public void flush() {
            target.flush();
        }
    }
}

package io.github.proxyproto4j.interop.hardening;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything a receiver in this JVM logs while attached: java.util.logging records (Tomcat, Boot without
 * Logback, and the core's System.Logger, which defaults to JUL), with their stack traces, and whatever is
 * written to standard output and error (Jetty's slf4j-simple, printStackTrace). Attach after the receiver has
 * started: Boot resets JUL's handlers when it starts.
 */
final class InProcessLog implements AutoCloseable {
    private final ByteArrayOutputStream std = new ByteArrayOutputStream();
    private final StringBuffer records = new StringBuffer();
    private final PrintStream oldOut = System.out;
    private final PrintStream oldErr = System.err;
    private final Handler handler;

    private InProcessLog() {
        SimpleFormatter formatter = new SimpleFormatter();
        handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                StringBuilder sb = new StringBuilder();
                sb.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ")
                        .append(formatter.formatMessage(r)).append('\n');
                if (r.getThrown() != null) {
                    StringWriter w = new StringWriter();
                    r.getThrown().printStackTrace(new PrintWriter(w));
                    sb.append(w);
                }
                records.append(sb);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
    }

    static InProcessLog attach() {
        InProcessLog log = new InProcessLog();
        Logger.getLogger("").addHandler(log.handler);
        System.setOut(new PrintStream(new Tee(log.oldOut, log.std), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(log.oldErr, log.std), true, StandardCharsets.UTF_8));
        return log;
    }

    /** @return the JUL records, then the standard output and error, captured so far */
    String text() {
        synchronized (std) {
            return records + "\n" + std.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    /** Writes to the original stream and to the capture. */
    private static final class Tee extends OutputStream {
        private final OutputStream original;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            synchronized (copy) {
                copy.write(b);
            }
            try {
                original.write(b);
            } catch (java.io.IOException ignored) {
                // the capture is what matters
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (copy) {
                copy.write(b, off, len);
            }
            try {
                original.write(b, off, len);
            } catch (java.io.IOException ignored) {
                // the capture is what matters
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            original.flush();
        }
    }
}

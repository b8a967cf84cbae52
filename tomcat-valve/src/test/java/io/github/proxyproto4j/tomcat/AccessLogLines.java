package io.github.proxyproto4j.tomcat;

import java.io.CharArrayWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.catalina.valves.AbstractAccessLogValve;

/** An access log that keeps its lines in memory, as Tomcat's AccessLogValve would format them. */
final class AccessLogLines extends AbstractAccessLogValve {
    final List<String> lines = new CopyOnWriteArrayList<>();

    AccessLogLines(String pattern) {
        setPattern(pattern);
    }

    @Override
    protected void log(CharArrayWriter message) {
        lines.add(message.toString());
    }
}

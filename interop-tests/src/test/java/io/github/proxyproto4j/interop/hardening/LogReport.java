package io.github.proxyproto4j.interop.hardening;

import io.github.proxyproto4j.core.Reason;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a receiver's log output: the core's rate-limited rejection lines per reason, and any stack trace (there
 * must be none: a trace per bad connection is the attacker's amplifier).
 */
final class LogReport {
    /** The core's RateLimitedLog line, whatever the logging framework puts around it. */
    private static final Pattern REJECTION = Pattern.compile(
            "PROXY protocol: closed (\\d+) connection\\(s\\) for ([A-Z0-9_]+) since the last report");
    /** A frame of a Java stack trace, or the line that chains a cause. */
    private static final Pattern TRACE = Pattern.compile(
            "^\\s+at [\\w$.]+\\.[\\w$<>]+\\(.*\\)\\s*$|^\\s*Caused by: |^\\s+\\.\\.\\. \\d+ more\\s*$");

    private LogReport() {
    }

    /** @return per reason, the count each of its lines reported, in order */
    static Map<Reason, List<Long>> rejectionLines(String log) {
        Map<Reason, List<Long>> out = new EnumMap<>(Reason.class);
        Matcher m = REJECTION.matcher(log);
        while (m.find()) {
            out.computeIfAbsent(Reason.valueOf(m.group(2)), r -> new ArrayList<>()).add(Long.parseLong(m.group(1)));
        }
        return out;
    }

    /** @return the lines of stack traces, with the line before each trace (its message) */
    static List<String> stackTraces(String log) {
        List<String> out = new ArrayList<>();
        String[] lines = log.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            if (TRACE.matcher(lines[i]).find()) {
                if (out.isEmpty() || i == 0 || !TRACE.matcher(lines[i - 1]).find()) {
                    out.add(i > 0 ? lines[i - 1] : "");
                }
                out.add(lines[i]);
            }
        }
        return out;
    }
}

package io.github.proxyproto4j.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of setting values: the shared text syntax of Boot properties and sample flags, and milliseconds. */
final class ConfigValues {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ns|us|ms|s|m|h|d)?");

    private ConfigValues() {
    }

    /**
     * Reads a duration as Spring Boot does: {@code 5s}, {@code 500ms}, {@code 2m}, ISO-8601 ({@code PT5S}),
     * or a bare number of milliseconds.
     */
    static Duration duration(String text) {
        String t = text.trim();
        Matcher m = SIMPLE_DURATION.matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "ms" : m.group(2);
            switch (unit) {
                case "ns":
                    return Duration.ofNanos(n);
                case "us":
                    return Duration.ofNanos(Math.multiplyExact(n, 1000L));
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    return Duration.ofDays(n);
            }
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration (e.g. 5s, 500ms): '" + text + "'");
        }
    }

    static Duration millis(String text) {
        try {
            return Duration.ofMillis(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number of milliseconds: '" + text + "'");
        }
    }

    static int integer(ConfigKey key, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key.key() + ": not a number: '" + text + "'");
        }
    }

    static boolean bool(ConfigKey key, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException(key.key() + ": not true or false: '" + text + "'");
    }

    static <E extends Enum<E>> E enumValue(ConfigKey key, Class<E> type, String text) {
        String t = text.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(t)) {
                return e;
            }
        }
        throw new IllegalArgumentException(key.key() + ": not one of " + lower(type) + ": '" + text + "'");
    }

    static <E extends Enum<E>> String lower(Class<E> type) {
        StringBuilder sb = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    /** Formats a duration in the text syntax, as short as it goes: {@code 5s}, {@code 1500ms}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}

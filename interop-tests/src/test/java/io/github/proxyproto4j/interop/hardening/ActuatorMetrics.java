package io.github.proxyproto4j.interop.hardening;

import io.github.proxyproto4j.core.Outcome;
import io.github.proxyproto4j.core.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The starter's {@code proxy.protocol.connections} counter as Actuator serves it over HTTP
 * ({@code /actuator/metrics/proxy.protocol.connections?tag=outcome:...&tag=reason:...}).
 */
final class ActuatorMetrics {
    private static final Pattern VALUE = Pattern.compile("\"statistic\"\\s*:\\s*\"COUNT\"\\s*,\\s*\"value\"\\s*:\\s*([0-9.Ee+-]+)");
    private static final Pattern REASONS = Pattern.compile("\"tag\"\\s*:\\s*\"reason\"\\s*,\\s*\"values\"\\s*:\\s*\\[([^]]*)]");
    private static final Pattern QUOTED = Pattern.compile("\"([a-z0-9_]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    ActuatorMetrics(int plainPort) {
        this.base = "http://127.0.0.1:" + plainPort + "/actuator/metrics/proxy.protocol.connections";
    }

    Counts counts() throws IOException, InterruptedException {
        Map<Outcome, Long> o = new EnumMap<>(Outcome.class);
        Map<Reason, Long> r = new EnumMap<>(Reason.class);
        for (Outcome x : Outcome.values()) {
            if (x != Outcome.REJECTED) {
                o.put(x, value("?tag=outcome:" + lower(x.name())));
            }
        }
        // Only the reasons with a meter: the starter registers a rejected counter per reason as it happens.
        Matcher m = REASONS.matcher(get("?tag=outcome:rejected"));
        long rejected = 0;
        if (m.find()) {
            Matcher q = QUOTED.matcher(m.group(1));
            while (q.find()) {
                Reason reason = Reason.valueOf(q.group(1).toUpperCase(Locale.ROOT));
                long n = value("?tag=outcome:rejected&tag=reason:" + q.group(1));
                r.put(reason, n);
                rejected += n;
            }
        }
        o.put(Outcome.REJECTED, rejected);
        return new Counts(o, r);
    }

    private long value(String query) throws IOException, InterruptedException {
        Matcher m = VALUE.matcher(get(query));
        if (!m.find()) {
            throw new IOException("no COUNT in " + base + query);
        }
        return (long) Double.parseDouble(m.group(1));
    }

    /** @return the JSON, or {} when no meter matches the tags (404, e.g. no rejection yet) */
    private String get(String query) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + query))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return "{\"measurements\":[{\"statistic\":\"COUNT\",\"value\":0.0}]}";
        }
        if (response.statusCode() != 200) {
            throw new IOException(base + query + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}

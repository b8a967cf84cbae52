package io.github.proxyproto4j.benchmarks.load;

import java.util.List;

/**
 * One A/B comparison: two ports of the same server under the same load; the result is throughput(A) /
 * throughput(B).
 *
 * @param id the comparison's name in the results
 * @param server which server holds both ports
 * @param mode churn or keep-alive
 * @param a the port in the numerator
 * @param b the port in the denominator
 * @param goal the ratio the comparison should reach
 */
record Comparison(String id, ServerKind server, ConnectionMode mode, Port a, Port b, double goal) {

    /** The comparisons of issue #10, in the order they run (grouped by server, so each server starts once). */
    static final List<Comparison> ALL = List.of(
            new Comparison("jetty-churn", ServerKind.JETTY, ConnectionMode.CHURN, Port.OURS, Port.PLAIN, 0.98),
            new Comparison("jetty-keepalive", ServerKind.JETTY, ConnectionMode.KEEP_ALIVE, Port.OURS, Port.PLAIN,
                    0.995),
            new Comparison("jetty-churn-vs-builtin", ServerKind.JETTY, ConnectionMode.CHURN, Port.OURS,
                    Port.JETTY_BUILTIN, 1.00),
            new Comparison("tomcat-churn", ServerKind.TOMCAT, ConnectionMode.CHURN, Port.OURS, Port.PLAIN, 0.98),
            new Comparison("tomcat-keepalive", ServerKind.TOMCAT, ConnectionMode.KEEP_ALIVE, Port.OURS, Port.PLAIN,
                    0.995));
}

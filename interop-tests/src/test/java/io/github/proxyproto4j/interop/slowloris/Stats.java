package io.github.proxyproto4j.interop.slowloris;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a list of durations, in milliseconds. */
final class Stats {
    private Stats() {
    }

    /**
     * @param millis the values
     * @param q the quantile, 0 to 1 (nearest rank)
     * @return the value at that rank, or NaN for no values
     */
    static double quantile(List<Double> millis, double q) {
        if (millis.isEmpty()) {
            return Double.NaN;
        }
        double[] v = millis.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int rank = (int) Math.ceil(q * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

    /**
     * @param values the values
     * @return their median, or NaN for none
     */
    static double median(List<Double> values) {
        return quantile(values, 0.5);
    }
}

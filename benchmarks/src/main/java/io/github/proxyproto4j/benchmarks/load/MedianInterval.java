package io.github.proxyproto4j.benchmarks.load;

import java.util.Arrays;

/**
 * The median of a sample and a distribution-free confidence interval for it from binomial order statistics:
 * with n values sorted, [x(k), x(n+1-k)] holds the true median with probability 1 - 2 P(B &lt;= k-1),
 * B ~ Binomial(n, 1/2), whatever the distribution. k is the largest for which that is at least the requested
 * confidence; the interval's actual coverage, usually above the requested one (the binomial is discrete), is
 * reported with it. With fewer than 6 values no interval reaches 95 %: it is then [min, max] and says so.
 *
 * @param median the sample median (mean of the two middle values when n is even)
 * @param low the interval's lower end
 * @param high the interval's upper end
 * @param coverage the interval's exact coverage probability
 * @param n the sample size
 */
record MedianInterval(double median, double low, double high, double coverage, int n) {

    /**
     * @param values the sample, at least one value
     * @param confidence the wanted coverage, e.g. 0.95
     * @return the median and its interval
     */
    static MedianInterval of(double[] values, double confidence) {
        int n = values.length;
        if (n == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] x = values.clone();
        Arrays.sort(x);
        double median = n % 2 == 1 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
        double tailAllowed = (1 - confidence) / 2;
        int k = 1; // 1-based rank of the lower end
        double tail = binomialCdf(n, 0); // P(B <= k-1)
        while (k + 1 <= (n + 1) / 2 && binomialCdf(n, k) <= tailAllowed) {
            k++;
            tail = binomialCdf(n, k - 1);
        }
        return new MedianInterval(median, x[k - 1], x[n - k], 1 - 2 * tail, n);
    }

    /** @return P(B &lt;= j) for B ~ Binomial(n, 1/2) */
    static double binomialCdf(int n, int j) {
        double sum = 0;
        double term = Math.pow(0.5, n); // C(n,0) / 2^n
        for (int i = 0; i <= j; i++) {
            sum += term;
            term = term * (n - i) / (i + 1);
        }
        return sum;
    }

    /** @param goal a ratio to reach @return whether the interval reaches it: its upper end is at least the goal */
    boolean reaches(double goal) {
        return high >= goal;
    }
}

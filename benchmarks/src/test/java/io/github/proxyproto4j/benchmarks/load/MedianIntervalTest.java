package io.github.proxyproto4j.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MedianIntervalTest {

    @Test
    void tenValuesGiveTheSecondAndNinthOrderStatistics() {
        // Shuffled 1..10: the 95 % interval is [x(2), x(9)], coverage 1 - 2 * 11/1024.
        MedianInterval m = MedianInterval.of(new double[] {7, 3, 10, 1, 5, 9, 2, 8, 4, 6}, 0.95);
        assertEquals(5.5, m.median());
        assertEquals(2, m.low());
        assertEquals(9, m.high());
        assertEquals(1 - 2 * 11 / 1024.0, m.coverage(), 1e-12);
        assertEquals(10, m.n());
    }

    @Test
    void twelveValuesGiveTheThirdAndTenthOrderStatistics() {
        double[] v = new double[12];
        for (int i = 0; i < v.length; i++) {
            v[i] = 100 - i; // descending: sorting must happen
        }
        MedianInterval m = MedianInterval.of(v, 0.95);
        assertEquals(91, m.low()); // x(3) of 89..100
        assertEquals(98, m.high()); // x(10)
        assertEquals(1 - 2 * 79 / 4096.0, m.coverage(), 1e-12);
    }

    @Test
    void tooFewValuesFallBackToTheRangeAndSaySo() {
        MedianInterval m = MedianInterval.of(new double[] {1.2, 0.9}, 0.95);
        assertEquals(1.05, m.median(), 1e-12);
        assertEquals(0.9, m.low());
        assertEquals(1.2, m.high());
        assertEquals(0.5, m.coverage(), 1e-12);
    }

    @Test
    void binomialCdfMatchesExactValues() {
        assertEquals(56 / 1024.0, MedianInterval.binomialCdf(10, 2), 1e-15);
        assertEquals(1.0, MedianInterval.binomialCdf(7, 7), 1e-15);
    }

    @Test
    void theGoalIsReachedWhenTheUpperEndIsAtLeastTheGoal() {
        MedianInterval m = new MedianInterval(0.97, 0.95, 0.99, 0.98, 10);
        assertTrue(m.reaches(0.98));
        assertTrue(m.reaches(0.99));
        assertFalse(m.reaches(0.995));
    }
}

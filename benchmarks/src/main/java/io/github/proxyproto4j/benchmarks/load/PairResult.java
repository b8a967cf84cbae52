package io.github.proxyproto4j.benchmarks.load;

/**
 * One A/B pair: the two runs back to back on the same server, in the order given.
 *
 * @param aFirst whether A ran first (pairs alternate AB, BA, ... so a drift in time does not favour one side)
 * @param a the numerator's run
 * @param b the denominator's run
 */
record PairResult(boolean aFirst, SegmentResult a, SegmentResult b) {

    /** @return throughput(A) / throughput(B) */
    double ratio() {
        return a.requestsPerSecond() / b.requestsPerSecond();
    }

    /** @return server CPU per request of A / of B (below 1: A costs the server less per request), or NaN */
    double cpuPerRequestRatio() {
        return a.serverCpuMicrosPerRequest() / b.serverCpuMicrosPerRequest();
    }
}

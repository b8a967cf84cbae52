package io.github.proxyproto4j.benchmarks.load;

/**
 * What one timed run against one port measured.
 *
 * @param port the port's name
 * @param requests responses completed inside the measured window
 * @param seconds the window's length
 * @param errors connections that failed or got a response that was not a whole 200
 * @param serverCpuNanos CPU the server process used during the window (all threads), or negative if unknown
 * @param clientCpuNanos CPU the client process used during the window, or negative if unknown
 * @param serverContextSwitches context switches of the server's threads during the window, or negative
 */
record SegmentResult(String port, long requests, double seconds, long errors, long serverCpuNanos,
        long clientCpuNanos, long serverContextSwitches) {

    /** @return completed requests per second */
    double requestsPerSecond() {
        return requests / seconds;
    }

    /** @return server CPU microseconds per completed request, or NaN if unknown */
    double serverCpuMicrosPerRequest() {
        return serverCpuNanos < 0 || requests == 0 ? Double.NaN : serverCpuNanos / 1000.0 / requests;
    }

    /** @return server context switches per completed request, or NaN if unknown */
    double serverContextSwitchesPerRequest() {
        return serverContextSwitches < 0 || requests == 0 ? Double.NaN : (double) serverContextSwitches / requests;
    }

    /** @return the client's CPU use as a share of one core (1.0 = one core busy all the time), or NaN */
    double clientCores() {
        return clientCpuNanos < 0 ? Double.NaN : clientCpuNanos / 1e9 / seconds;
    }

    /** @return the server's CPU use in cores, or NaN */
    double serverCores() {
        return serverCpuNanos < 0 ? Double.NaN : serverCpuNanos / 1e9 / seconds;
    }
}

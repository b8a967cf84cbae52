package io.github.proxyproto4j.benchmarks.load;

/** How the client uses its connections. */
enum ConnectionMode {
    /** One request per connection ({@code Connection: close}); the server closes, the client opens a new one. */
    CHURN("churn"),
    /** One PROXY header, then requests one after the other on the same connection for the whole segment. */
    KEEP_ALIVE("keep-alive");

    private final String id;

    ConnectionMode(String id) {
        this.id = id;
    }

    /** @return the name used in the results */
    String id() {
        return id;
    }
}

/**
 * Hardening against hostile input, on the four sample receivers (embedded Jetty, embedded Tomcat, Boot on Tomcat in
 * this JVM, Boot on Jetty as its own process), over real sockets from 127.0.0.42.
 *
 * <ul>
 *   <li>{@link io.github.proxyproto4j.interop.hardening.MalformedInputMatrixTest}: every row of
 *       {@link io.github.proxyproto4j.interop.hardening.MalformedCases} (one per rule of the PROXY protocol notes,
 *       each with its {@code Reason}; {@link io.github.proxyproto4j.interop.hardening.MalformedCasesOracleTest}
 *       checks the table against the core decoder) gets zero response bytes, is counted once under its reason, is
 *       logged at most once per reason per minute, with no stack trace, and the next good connection is served
 *       with its client.</li>
 *   <li>{@link io.github.proxyproto4j.interop.hardening.SpoofingTest}: an untrusted peer's claims (PROXY header,
 *       X-Forwarded-For, Forwarded, X-Real-IP) are never applied, under reject, ignore, a dual-stack socket and
 *       mixed mode. Its figures: {@code HARDENING spoofing} lines and target/hardening/spoofing.json.</li>
 * </ul>
 *
 * <p>Run (the first build packages the samples; later runs can add {@code -o}):
 *
 * <pre>
 * ./mvnw -B -pl interop-tests -am verify -Dtest='io/github/proxyproto4j/interop/hardening/**' \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>{@code -Dhardening.spoofing.connections=N} sets the connections per spoofing scenario (default 10,000, the
 * issue's number) and {@code -Dhardening.spoofing.threads=T} the client threads (default 4).
 */
package io.github.proxyproto4j.interop.hardening;

package io.github.proxyproto4j.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an invalid {@code proxy-protocol.*} setting into Boot's start-up report: what, and how to fix it. */
public class ProxyProtocolFailureAnalyzer extends AbstractFailureAnalyzer<ProxyProtocolConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ProxyProtocolConfigurationException cause) {
        return new FailureAnalysis("Invalid PROXY protocol configuration: " + cause.getMessage(),
                "Fix " + cause.property() + ". The proxy-protocol.* properties are listed in the "
                        + "proxyproto4j starter's README; with neither proxy-protocol.enabled nor proxy-protocol.port "
                        + "set, nothing is changed.", cause);
    }
}

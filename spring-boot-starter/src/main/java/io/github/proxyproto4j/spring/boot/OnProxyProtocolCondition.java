package io.github.proxyproto4j.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code proxy-protocol.enabled=true} or {@code proxy-protocol.port} is set: otherwise nothing changes. */
class OnProxyProtocolCondition extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        boolean enabled = context.getEnvironment().getProperty("proxy-protocol.enabled", Boolean.class, false);
        boolean port = context.getEnvironment().containsProperty("proxy-protocol.port");
        if (enabled || port) {
            return ConditionOutcome.match(enabled ? "proxy-protocol.enabled=true" : "proxy-protocol.port is set");
        }
        return ConditionOutcome.noMatch("neither proxy-protocol.enabled nor proxy-protocol.port is set");
    }
}
